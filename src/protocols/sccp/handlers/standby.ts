/**
 * What a connection may send before Register (cluster.md §1.3): KeepAlive on a standby connection,
 * and RegisterTokenRequest from a phone on its backup that wants to come back. Everything else
 * before Register is ignored (sccp.md §5).
 */
import { MessageId } from '../codec/message-id.js';
import type { RegisterTokenRequest } from '../codec/messages/register-token.js';
import { encodeRegisterTokenReject } from '../codec/messages/register-token.js';
import type { StationSession } from './station-session.js';

const EMPTY = Buffer.alloc(0);

/** KeepAlive before Register: a standby connection; answered like any other (sccp.md §3.5). */
export function standbyKeepAlive(_message: unknown, session: StationSession): void {
  if (!session.holdAsStandby()) return;
  session.send(MessageId.KeepAliveAck, EMPTY, 0);
}

/** RegisterTokenRequest: RegisterTokenAck when the node's fallback pace allows, else RegisterTokenReject. */
export function tokenRequest(message: RegisterTokenRequest, session: StationSession): void {
  // The phone keeps this connection while it waits for its token: hold it as a standby one.
  if (!session.holdAsStandby(message.deviceName)) return;
  session.tokens
    .request(message.deviceName, session.peerIp)
    .then(
      (answer) => {
        // Registered meanwhile (a second request answered first) or gone: nothing to tell.
        if (session.state !== 'awaiting-register') return;
        if (answer.granted) session.send(MessageId.RegisterTokenAck, EMPTY);
        else
          session.send(
            MessageId.RegisterTokenReject,
            encodeRegisterTokenReject({ waitTimeBeforeNextReq: answer.waitSeconds }),
          );
      },
      (error: unknown) => {
        // The node's pacer could not be asked (its primary process is gone): come back later.
        session.log.warn(
          { err: error, device: message.deviceName },
          'could not ask the node for a fallback token; told the phone to ask again in 10 s',
        );
        if (session.state === 'awaiting-register')
          session.send(
            MessageId.RegisterTokenReject,
            encodeRegisterTokenReject({ waitTimeBeforeNextReq: 10 }),
          );
      },
    )
    .catch((error: unknown) => session.failed(error, MessageId.RegisterTokenRequest));
}
