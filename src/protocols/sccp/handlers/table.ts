import type { SccpFrame } from '../codec/frame.js';
import { knownMessageName, messageName, type MessageName } from '../codec/message-id.js';
import { decodeMessage } from '../codec/sccp-message.js';
import type { SccpMessage, SccpMessageMap, SccpMessageType, UnknownMessage } from '../codec/sccp-message.js';
import * as call from './call.js';
import * as media from './media.js';
import * as registration from './registration.js';
import * as standby from './standby.js';
import { answerQuery } from './station-queries.js';
import type { Handler, StationSession } from './station-session.js';

/** The decoded form of a message by name: its layout once the codec has one, its raw body until then. */
type MessageOf<K extends MessageName> = K extends SccpMessageType ? SccpMessageMap[K] : UnknownMessage;

type HandlerTable = { readonly [K in MessageName]?: Handler<MessageOf<K>> };

/**
 * Every message a phone may send, and the family that handles it. A message not listed (one the
 * server sends, or one openucm does not know) is ignored and logged at debug.
 */
const HANDLERS: HandlerTable = {
  // Registration and the connection's upkeep (sccp.md §3.1–3.5).
  Register: registration.register,
  KeepAlive: registration.keepAlive,
  Unregister: registration.unregister,
  Alarm: registration.alarm,
  CapabilitiesRes: media.capabilitiesRes,
  IpPort: registration.noted,
  HeadsetStatus: registration.noted,
  RegisterAvailableLines: registration.noted,
  // Station queries: what the phone asks for at startup (sccp.md §5, steps 4–13).
  ButtonTemplateReq: answerQuery,
  LineStatReq: answerQuery,
  SoftKeyTemplateReq: answerQuery,
  SoftKeySetReq: answerQuery,
  TimeDateReq: answerQuery,
  ConfigStatReq: answerQuery,
  ServerReq: answerQuery,
  SpeedDialStatReq: answerQuery,
  ForwardStatReq: answerQuery,
  FeatureStatReq: answerQuery,
  // Call control (calls.md §1).
  OffHook: call.offHook,
  OnHook: call.onHook,
  KeypadButton: call.keypadButton,
  EnblocCall: call.enblocCall,
  Stimulus: call.stimulus,
  SoftKeyEvent: call.softKeyEvent,
  HookFlash: call.hookFlash,
  // Media (calls.md §1).
  OpenReceiveChannelAck: media.openReceiveChannelAck,
  StartMediaTransmissionAck: media.startMediaTransmissionAck,
  MediaTransmissionFailure: media.mediaTransmissionFailure,
  ConnectionStatisticsRes: media.connectionStatisticsRes,
};

/** What a connection may send before Register: a standby connection's upkeep (cluster.md §1.3). */
const BEFORE_REGISTER: HandlerTable = {
  KeepAlive: standby.standbyKeepAlive,
  RegisterTokenRequest: standby.tokenRequest,
};

/** Hands one frame of a live session to its handler. */
export function dispatch(frame: SccpFrame, session: StationSession): void {
  const name = knownMessageName(frame.messageId);
  const early = name === undefined ? undefined : BEFORE_REGISTER[name];
  if (early && session.state === 'awaiting-register') {
    (early as Handler<SccpMessage>)(decodeMessage(frame), session);
    return;
  }
  // Nothing but Register may start a session (sccp.md §5).
  if (name !== 'Register' && session.state !== 'registered') {
    session.log.debug({ message: messageName(frame.messageId) }, 'ignoring SCCP message before registration');
    return;
  }
  const message = decodeMessage(frame);
  const handler = name === undefined ? undefined : HANDLERS[name];
  if (handler) {
    // HANDLERS[name] takes what decodeMessage makes of a frame with that name; TS cannot correlate the two.
    (handler as Handler<SccpMessage>)(message, session);
    return;
  }
  if (message.type === 'Unknown') {
    session.log.debug(
      { device: session.device?.name, message: messageName(message.messageId) },
      `ignoring SCCP message ${messageName(message.messageId)}: openucm does not know it`,
    );
    return;
  }
  session.log.debug(
    { device: session.device?.name, message: message.type },
    'SCCP message not handled; ignored',
  );
}
