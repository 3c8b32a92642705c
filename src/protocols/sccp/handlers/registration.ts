import { modelOfSccpDeviceType } from '../../../core/phone-models.js';
import type { RegistrationResult } from '../../../core/registration.js';
import type { Alarm } from '../codec/messages/phone-status.js';
import { MessageId } from '../codec/message-id.js';
import type { Register } from '../codec/messages/register.js';
import { encodeRegisterAck, encodeRegisterReject } from '../codec/messages/register-response.js';
import { encodeUnregisterAck } from '../codec/messages/unregister.js';
import { secondaryKeepaliveSeconds } from '../standby-connections.js';
import { agreedProtocolVersion } from '../station-responses.js';
import type { StationSession } from './station-session.js';

const EMPTY = Buffer.alloc(0);
/** Alarms logged per connection: a phone sends a few at boot; more is a flood, not news. */
const ALARMS_LOGGED = 10;

/** Register: asks the node to decide; accepts or rejects the phone with its answer. */
export function register(message: Register, session: StationSession): void {
  if (session.state !== 'awaiting-register') {
    // Once per connection: a phone that repeats itself must not fill the log.
    if (session.logged.secondRegister) return;
    session.logged.secondRegister = true;
    session.warn(
      'secondRegister',
      { device: session.device?.name ?? null, name: message.deviceName },
      'ignoring a second Register on a connection that is already registered (further ones on this connection are ignored silently)',
      session.device?.name ?? message.deviceName.slice(0, 40),
    );
    return;
  }
  const model = modelOfSccpDeviceType(message.deviceType);
  session.transition({
    to: 'registering',
    phone: { name: message.deviceName, model, agreedVersion: agreedProtocolVersion(message.protocolVersion) },
  });
  const request = {
    deviceName: message.deviceName,
    protocol: 'SCCP' as const,
    model,
    announcedModel: model ? model.displayName : `device type ${message.deviceType}`,
    address: session.address,
    activeLoadId: message.loadInfo || undefined,
  };
  session.registration
    .register(request, session)
    .then(
      (result) => decided(result, session),
      (error: unknown) => {
        session.log.error(
          { err: error, device: message.deviceName },
          'registration failed inside the node (database?); the phone was told to retry',
        );
        reject('Registration failed; retry', session);
      },
    )
    .catch((error: unknown) => session.failed(error, MessageId.Register));
}

function decided(result: RegistrationResult, session: StationSession): void {
  if (session.state !== 'registering') {
    // The phone hung up while the node decided: an acceptance must not leave it shown registered.
    if (result.kind === 'accepted') {
      const { name, protocol, model } = result.device;
      session.registration.unregistered({ name, protocol, model }, session, session.closeReason);
    }
    return;
  }
  if (result.kind === 'rejected') reject(result.rejection.phoneText, session);
  else session.transition({ to: 'registered', device: result.device });
}

/**
 * What a phone is told when the node accepts it; the session sends it on entering `registered`,
 * before any Reset or answer that waited for the acceptance.
 */
export function greet(session: StationSession): void {
  // RegisterAck, KeepAliveAck and UnregisterAck always carry header version 0 (sccp.md §1).
  session.send(
    MessageId.RegisterAck,
    encodeRegisterAck({
      keepAliveInterval: session.keepaliveSeconds,
      dateTemplate: 'M/D/Y',
      secondaryKeepAliveInterval: secondaryKeepaliveSeconds(session.keepaliveSeconds),
      maxProtocolVersion: session.phone?.agreedVersion ?? 0,
    }),
    0,
  );
  // chan-sccp asks for capabilities right after the ack (sccp.md §5 step 3).
  session.send(MessageId.CapabilitiesReq, EMPTY);
}

function reject(text: string, session: StationSession): void {
  session.transition({ to: 'closing' });
  session.send(MessageId.RegisterReject, encodeRegisterReject({ text }));
  // The phone drops the connection and retries later (sccp.md §5); we close our side after the reject.
  session.hangUp();
}

export function keepAlive(_message: unknown, session: StationSession): void {
  session.send(MessageId.KeepAliveAck, EMPTY, 0);
}

export function unregister(_message: unknown, session: StationSession): void {
  session.send(MessageId.UnregisterAck, encodeUnregisterAck({ status: 0 }), 0);
  // chan-sccp closes the connection after UnregisterAck OK (sccp.md §3.4).
  session.hangUp('unregister-request');
}

/** Notes a phone's alarm (a few per connection). */
export function alarm(message: Alarm, session: StationSession): void {
  const count = ++session.logged.alarms;
  if (count > ALARMS_LOGGED) return;
  session.log.info(
    { device: session.device?.name, severity: message.severity, text: message.text },
    count === ALARMS_LOGGED
      ? `phone alarm (the ${ALARMS_LOGGED}th on this connection; further alarms from it are not logged)`
      : 'phone alarm',
  );
}

/** What the phone tells of itself (capabilities, RTP port, headset, lines in use): nothing to answer yet. */
export function noted(): void {}
