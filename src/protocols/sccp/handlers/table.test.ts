import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import type { Device } from '../../../core/device.js';
import { phoneModel } from '../../../core/phone-models.js';
import { DEFAULT_MAX_FRAME_BYTES, HEADER_BYTES } from '../codec/frame.js';
import { MessageId } from '../codec/message-id.js';
import type { SessionState } from '../session-state.js';
import type { StationSession } from './station-session.js';
import { dispatch } from './table.js';
import type { TokenAnswer } from '../fallback-pacer.js';
import { encodeRegisterTokenRequest } from '../codec/messages/register-token.js';
import type { SccpCalls } from '../calls.js';
import { noCalls } from '../calls.js';
import { StationCalls } from '../station-calls.js';

const device = {
  name: 'SEP001122334455',
  model: '7940',
  protocol: 'SCCP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '1000' }],
} as Device;

/** A session in `state` that records what it sends and logs. */
function fakeSession(
  state: SessionState,
  agreedVersion = 11,
  port: SccpCalls = noCalls,
  token: TokenAnswer = { granted: true },
) {
  const sent: { messageId: number; body: Buffer }[] = [];
  const logs: { msg: string; message?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  const session: StationSession = {
    protocol: 'SCCP',
    address: '127.0.0.1:50000',
    state,
    log: pino({ level: 'debug' }, sink),
    registration: {
      nodeName: 'cm1',
      register: () => new Promise(() => {}),
      unregistered: () => {},
    },
    calls: new StationCalls(
      {
        device: state === 'registered' ? device : null,
        peerIp: '127.0.0.1',
        agreedVersion,
        log: pino({ level: 'silent' }),
        send: (messageId, body) => sent.push({ messageId, body }),
      },
      port,
    ),
    keepaliveSeconds: 30,
    tokens: { request: () => Promise.resolve(token) },
    peerIp: '127.0.0.1',
    holdAsStandby: () => true,
    now: () => new Date(),
    phone: { name: device.name, model: phoneModel('7940'), agreedVersion },
    device: state === 'registered' ? device : null,
    closeReason: 'connection-closed',
    logged: { alarms: 0, secondRegister: false },
    localAddress: '127.0.0.1',
    localPort: 2000,
    transition: () => {},
    send: (messageId, body) => sent.push({ messageId, body }),
    hangUp: () => {},
    warn: (_kind, fields, message) => logs.push({ ...fields, msg: message }),
    failed: (error) => {
      throw error;
    },
    reset: () => {},
    close: () => {},
  };
  return { session, sent, logs };
}

it('decodes and handles odd bodies of every size for any message id, without throwing', () => {
  const ids = [...Object.values(MessageId), 0x7777, 0xffffffff];
  const max = DEFAULT_MAX_FRAME_BYTES - HEADER_BYTES;
  const sizes = [0, 1, 3, 4, 5, 12, 13, 16, 20, 92, 100, 291, 292, 360, 780, max];
  // All ones (every count and length field at its largest), a byte pattern, and all zeros.
  const fills: ((i: number) => number)[] = [() => 0xff, (i) => (i * 37 + 11) & 0xff, () => 0];
  for (const messageId of ids) {
    for (const size of sizes) {
      for (const [f, fill] of fills.entries()) {
        const body = Buffer.alloc(size);
        for (let j = 0; j < size; j++) body[j] = fill(j);
        const { session, sent } = fakeSession('registered', f % 2 ? 11 : 18);
        session.calls.attach();
        dispatch({ headerVersion: 0, messageId, body }, session);
        for (const answer of sent) {
          if (answer.messageId !== MessageId.KeepAliveAck && answer.messageId !== MessageId.CapabilitiesReq) {
            expect(answer.body.length).toBeGreaterThan(0);
          }
        }
      }
    }
  }
});

it('answers a registered phone’s startup queries', () => {
  const { session, sent } = fakeSession('registered');
  dispatch({ headerVersion: 0, messageId: MessageId.ButtonTemplateReq, body: Buffer.alloc(0) }, session);
  dispatch({ headerVersion: 0, messageId: MessageId.KeepAlive, body: Buffer.alloc(0) }, session);
  expect(sent.map((s) => s.messageId)).toEqual([MessageId.ButtonTemplate, MessageId.KeepAliveAck]);
});

it('hands a registered phone’s off-hook to the node’s calls, and ignores a media answer nobody asked for', () => {
  const offHooks: unknown[] = [];
  const port: SccpCalls = { ...noCalls, offHook: (_endpoint, ...rest) => offHooks.push(rest) };
  const { session, sent } = fakeSession('registered', 11, port);
  session.calls.attach();
  dispatch({ headerVersion: 0, messageId: MessageId.OffHook, body: Buffer.alloc(8) }, session);
  dispatch({ headerVersion: 0, messageId: MessageId.OpenReceiveChannelAck, body: Buffer.alloc(20) }, session);
  expect(offHooks).toEqual([[1, 1, { number: '1000', name: 'Lobby' }, false]]);
  expect(sent).toEqual([]);
});

it('handles nothing but Register, a standby KeepAlive and a token request before registration', () => {
  const { session, sent } = fakeSession('awaiting-register');
  for (const messageId of [MessageId.ButtonTemplateReq, MessageId.OffHook, MessageId.Unregister]) {
    dispatch({ headerVersion: 0, messageId, body: Buffer.alloc(8) }, session);
  }
  expect(sent).toEqual([]);
  dispatch({ headerVersion: 0, messageId: MessageId.KeepAlive, body: Buffer.alloc(0) }, session);
  expect(sent.map((s) => s.messageId)).toEqual([MessageId.KeepAliveAck]);
});

it('answers a token request with RegisterTokenAck, or RegisterTokenReject and the wait', async () => {
  const body = encodeRegisterTokenRequest({
    deviceName: device.name,
    instance: 1,
    stationIpAddr: '127.0.0.1',
    deviceType: 8,
  });
  const granted = fakeSession('awaiting-register');
  dispatch({ headerVersion: 0, messageId: MessageId.RegisterTokenRequest, body }, granted.session);
  const refused = fakeSession('awaiting-register', 11, noCalls, { granted: false, waitSeconds: 7 });
  dispatch({ headerVersion: 0, messageId: MessageId.RegisterTokenRequest, body }, refused.session);
  await new Promise((r) => setImmediate(r));
  expect(granted.sent.map((s) => s.messageId)).toEqual([MessageId.RegisterTokenAck]);
  expect(refused.sent.map((s) => [s.messageId, s.body.readUInt32LE(0)])).toEqual([
    [MessageId.RegisterTokenReject, 7],
  ]);
});
