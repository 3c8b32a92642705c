import { encodeFrame, type SccpFrame } from './frame.js';
import { knownMessageName, MessageId } from './message-id.js';
import {
  decodeButtonTemplate,
  encodeButtonTemplate,
  type ButtonTemplate,
  type ButtonTemplateInput,
} from './messages/button-template.js';
import {
  decodeCapabilitiesRes,
  encodeCapabilitiesRes,
  type CapabilitiesRes,
} from './messages/capabilities.js';
import {
  decodeActivateCallPlane,
  decodeCallInfo,
  decodeCallState,
  decodeClearPromptStatus,
  decodeDialedNumber,
  decodeDisplayPromptStatus,
  encodeActivateCallPlane,
  encodeCallInfo,
  encodeCallState,
  encodeClearPromptStatus,
  encodeDialedNumber,
  encodeDisplayPromptStatus,
  type ActivateCallPlane,
  type CallInfo,
  type CallState,
  type ClearPromptStatus,
  type DialedNumber,
  type DisplayPromptStatus,
} from './messages/call-display.js';
import {
  decodeSetLamp,
  decodeSetRinger,
  decodeStartTone,
  decodeStopTone,
  encodeSetLamp,
  encodeSetRinger,
  encodeStartTone,
  encodeStopTone,
  type SetLamp,
  type SetRinger,
  type StartTone,
  type StopTone,
} from './messages/call-signals.js';
import {
  decodeCloseReceiveChannel,
  decodeOpenReceiveChannel,
  decodeOpenReceiveChannelAck,
  decodeStartMediaTransmission,
  decodeStopMediaTransmission,
  encodeMediaChannelClose,
  encodeOpenReceiveChannel,
  encodeOpenReceiveChannelAck,
  encodeStartMediaTransmission,
  type CloseReceiveChannel,
  type OpenReceiveChannel,
  type OpenReceiveChannelAck,
  type StartMediaTransmission,
  type StopMediaTransmission,
} from './messages/media-channel.js';
import {
  decodeEnblocCall,
  decodeKeypadButton,
  decodeOffHook,
  decodeOnHook,
  decodeSoftKeyEvent,
  decodeStimulus,
  encodeEnblocCall,
  encodeKeypadButton,
  encodeOffHook,
  encodeOnHook,
  encodeSoftKeyEvent,
  encodeStimulus,
  type EnblocCall,
  type KeypadButton,
  type OffHook,
  type OnHook,
  type SoftKeyEventMessage,
  type Stimulus,
} from './messages/station-call.js';
import { decodeConfigStat, encodeConfigStat, type ConfigStat } from './messages/config-stat.js';
import { decodeDisplayNotify, encodeDisplayNotify, type DisplayNotify } from './messages/display-notify.js';
import { EMPTY_BODY, type EmptyMessageType } from './messages/empty.js';
import {
  decodeFeatureStat,
  decodeFeatureStatReq,
  encodeFeatureStat,
  encodeFeatureStatReq,
  type FeatureStat,
  type FeatureStatReq,
} from './messages/feature-stat.js';
import {
  decodeForwardStat,
  decodeForwardStatReq,
  encodeForwardStat,
  encodeForwardStatReq,
  type ForwardStat,
  type ForwardStatInput,
  type ForwardStatReq,
} from './messages/forward-stat.js';
import {
  decodeLineStat,
  decodeLineStatReq,
  encodeLineStat,
  encodeLineStatReq,
  type LineStat,
  type LineStatReq,
} from './messages/line-stat.js';
import {
  decodeAlarm,
  decodeHeadsetStatus,
  decodeIpPort,
  decodeRegisterAvailableLines,
  encodeAlarm,
  encodeHeadsetStatus,
  encodeIpPort,
  encodeRegisterAvailableLines,
  type Alarm,
  type HeadsetStatus,
  type IpPort,
  type RegisterAvailableLines,
} from './messages/phone-status.js';
import { decodeRegister, encodeRegister, type Register, type RegisterInput } from './messages/register.js';
import {
  decodeRegisterAck,
  decodeRegisterReject,
  encodeRegisterAck,
  encodeRegisterReject,
  type RegisterAck,
  type RegisterAckInput,
  type RegisterReject,
} from './messages/register-response.js';
import { decodeReset, encodeReset, type Reset } from './messages/reset.js';
import {
  decodeRegisterTokenReject,
  decodeRegisterTokenRequest,
  encodeRegisterTokenReject,
  encodeRegisterTokenRequest,
  type RegisterTokenReject,
  type RegisterTokenRequest,
} from './messages/register-token.js';
import {
  decodeServerRes,
  encodeServerRes,
  type ServerRes,
  type ServerResInput,
} from './messages/server-res.js';
import {
  decodeSelectSoftKeys,
  decodeSoftKeySetRes,
  encodeSelectSoftKeys,
  encodeSoftKeySetRes,
  type SelectSoftKeys,
  type SoftKeySetRes,
  type SoftKeySetResInput,
} from './messages/soft-key-set.js';
import {
  decodeSoftKeyTemplateRes,
  encodeSoftKeyTemplateRes,
  type SoftKeyTemplateRes,
  type SoftKeyTemplateResInput,
} from './messages/soft-key-template.js';
import {
  decodeSpeedDialStat,
  decodeSpeedDialStatReq,
  encodeSpeedDialStat,
  encodeSpeedDialStatReq,
  type SpeedDialStat,
  type SpeedDialStatReq,
} from './messages/speed-dial.js';
import { decodeDefineTimeDate, encodeDefineTimeDate, type DefineTimeDate } from './messages/time-date.js';
import {
  decodeUnregister,
  decodeUnregisterAck,
  encodeUnregister,
  encodeUnregisterAck,
  type Unregister,
  type UnregisterAck,
} from './messages/unregister.js';

/** A message this codec has no layout for (or whose id it does not know); the body is kept as is. */
export interface UnknownMessage {
  type: 'Unknown';
  messageId: number;
  /** Aliases the frame's body. */
  body: Buffer;
}

type EmptyMessages = { [K in EmptyMessageType]: { type: K } };

/** The decoded form of each message the codec understands, by type name (= {@link MessageId} key). */
export interface SccpMessageMap extends EmptyMessages {
  // phone → server
  Register: Register;
  IpPort: IpPort;
  HeadsetStatus: HeadsetStatus;
  Alarm: Alarm;
  RegisterAvailableLines: RegisterAvailableLines;
  CapabilitiesRes: CapabilitiesRes;
  LineStatReq: LineStatReq;
  SpeedDialStatReq: SpeedDialStatReq;
  ForwardStatReq: ForwardStatReq;
  FeatureStatReq: FeatureStatReq;
  Unregister: Unregister;
  RegisterTokenRequest: RegisterTokenRequest;
  OffHook: OffHook;
  OnHook: OnHook;
  KeypadButton: KeypadButton;
  EnblocCall: EnblocCall;
  Stimulus: Stimulus;
  SoftKeyEvent: SoftKeyEventMessage;
  OpenReceiveChannelAck: OpenReceiveChannelAck;
  // server → phone
  CallState: CallState;
  CallInfo: CallInfo;
  DialedNumber: DialedNumber;
  DisplayPromptStatus: DisplayPromptStatus;
  ClearPromptStatus: ClearPromptStatus;
  ActivateCallPlane: ActivateCallPlane;
  StartTone: StartTone;
  StopTone: StopTone;
  SetLamp: SetLamp;
  SetRinger: SetRinger;
  OpenReceiveChannel: OpenReceiveChannel;
  CloseReceiveChannel: CloseReceiveChannel;
  StartMediaTransmission: StartMediaTransmission;
  StopMediaTransmission: StopMediaTransmission;
  RegisterAck: RegisterAck;
  RegisterReject: RegisterReject;
  UnregisterAck: UnregisterAck;
  RegisterTokenReject: RegisterTokenReject;
  ButtonTemplate: ButtonTemplate;
  LineStat: LineStat;
  ConfigStat: ConfigStat;
  DefineTimeDate: DefineTimeDate;
  SoftKeyTemplateRes: SoftKeyTemplateRes;
  SoftKeySetRes: SoftKeySetRes;
  SelectSoftKeys: SelectSoftKeys;
  ServerRes: ServerRes;
  Reset: Reset;
  DisplayNotify: DisplayNotify;
  SpeedDialStat: SpeedDialStat;
  ForwardStat: ForwardStat;
  FeatureStat: FeatureStat;
}

/** Type names of the messages the codec understands. */
export type SccpMessageType = keyof SccpMessageMap;

/** Any decoded message: `switch (msg.type)` narrows it. */
export type SccpMessage = SccpMessageMap[SccpMessageType] | UnknownMessage;

/** A message without its `type` tag: what most encoders take. */
type Body<T> = Omit<T, 'type'>;

/** What each encoder needs (fields it can default are optional), by type name. */
export interface SccpMessageInputMap extends Record<EmptyMessageType, object> {
  Register: RegisterInput;
  IpPort: Body<IpPort>;
  HeadsetStatus: Body<HeadsetStatus>;
  Alarm: Body<Alarm>;
  RegisterAvailableLines: Body<RegisterAvailableLines>;
  CapabilitiesRes: Body<CapabilitiesRes>;
  LineStatReq: Body<LineStatReq>;
  SpeedDialStatReq: Body<SpeedDialStatReq>;
  ForwardStatReq: Body<ForwardStatReq>;
  FeatureStatReq: Body<FeatureStatReq>;
  Unregister: Body<Unregister>;
  RegisterTokenRequest: Body<RegisterTokenRequest>;
  OffHook: Body<OffHook>;
  OnHook: Body<OnHook>;
  KeypadButton: Body<KeypadButton>;
  EnblocCall: Body<EnblocCall>;
  Stimulus: Body<Stimulus>;
  SoftKeyEvent: Body<SoftKeyEventMessage>;
  OpenReceiveChannelAck: Body<OpenReceiveChannelAck>;
  CallState: Parameters<typeof encodeCallState>[0];
  CallInfo: Parameters<typeof encodeCallInfo>[0];
  DialedNumber: Body<DialedNumber>;
  DisplayPromptStatus: Body<DisplayPromptStatus>;
  ClearPromptStatus: Body<ClearPromptStatus>;
  ActivateCallPlane: Body<ActivateCallPlane>;
  StartTone: Body<StartTone>;
  StopTone: Body<StopTone>;
  SetLamp: Body<SetLamp>;
  SetRinger: Body<SetRinger>;
  OpenReceiveChannel: Body<OpenReceiveChannel>;
  CloseReceiveChannel: Body<CloseReceiveChannel>;
  StartMediaTransmission: Body<StartMediaTransmission>;
  StopMediaTransmission: Body<StopMediaTransmission>;
  RegisterAck: RegisterAckInput;
  RegisterReject: Body<RegisterReject>;
  UnregisterAck: Body<UnregisterAck>;
  RegisterTokenReject: Body<RegisterTokenReject>;
  ButtonTemplate: ButtonTemplateInput;
  LineStat: Body<LineStat>;
  ConfigStat: Body<ConfigStat>;
  DefineTimeDate: Body<DefineTimeDate>;
  SoftKeyTemplateRes: SoftKeyTemplateResInput;
  SoftKeySetRes: SoftKeySetResInput;
  SelectSoftKeys: Body<SelectSoftKeys>;
  ServerRes: ServerResInput;
  Reset: Body<Reset>;
  DisplayNotify: Body<DisplayNotify>;
  SpeedDialStat: Body<SpeedDialStat>;
  ForwardStat: ForwardStatInput;
  FeatureStat: Body<FeatureStat>;
}

/** What {@link encodeMessage} accepts: any decoded message, or one with encoder defaults left out. */
export type SccpMessageInput =
  { [K in SccpMessageType]: { type: K } & SccpMessageInputMap[K] }[SccpMessageType] | UnknownMessage;

interface Codec<K extends SccpMessageType> {
  encode(msg: SccpMessageInputMap[K]): Buffer;
  decode(body: Buffer): SccpMessageMap[K];
}

function emptyCodec<K extends EmptyMessageType>(type: K): Codec<K> {
  return {
    encode: () => EMPTY_BODY,
    // `{ type: K }` is exactly SccpMessageMap[K] for an empty type; TS cannot see that for a generic K.
    decode: () => ({ type }) as SccpMessageMap[K],
  };
}

const CODECS: { readonly [K in SccpMessageType]: Codec<K> } = {
  KeepAlive: emptyCodec('KeepAlive'),
  KeepAliveAck: emptyCodec('KeepAliveAck'),
  CapabilitiesReq: emptyCodec('CapabilitiesReq'),
  ButtonTemplateReq: emptyCodec('ButtonTemplateReq'),
  ConfigStatReq: emptyCodec('ConfigStatReq'),
  TimeDateReq: emptyCodec('TimeDateReq'),
  SoftKeyTemplateReq: emptyCodec('SoftKeyTemplateReq'),
  SoftKeySetReq: emptyCodec('SoftKeySetReq'),
  ServerReq: emptyCodec('ServerReq'),
  RegisterTokenAck: emptyCodec('RegisterTokenAck'),
  RegisterTokenRequest: { encode: encodeRegisterTokenRequest, decode: decodeRegisterTokenRequest },
  RegisterTokenReject: { encode: encodeRegisterTokenReject, decode: decodeRegisterTokenReject },
  Register: { encode: encodeRegister, decode: decodeRegister },
  IpPort: { encode: encodeIpPort, decode: decodeIpPort },
  HeadsetStatus: { encode: encodeHeadsetStatus, decode: decodeHeadsetStatus },
  Alarm: { encode: encodeAlarm, decode: decodeAlarm },
  RegisterAvailableLines: { encode: encodeRegisterAvailableLines, decode: decodeRegisterAvailableLines },
  CapabilitiesRes: { encode: encodeCapabilitiesRes, decode: decodeCapabilitiesRes },
  LineStatReq: { encode: encodeLineStatReq, decode: decodeLineStatReq },
  SpeedDialStatReq: { encode: encodeSpeedDialStatReq, decode: decodeSpeedDialStatReq },
  ForwardStatReq: { encode: encodeForwardStatReq, decode: decodeForwardStatReq },
  FeatureStatReq: { encode: encodeFeatureStatReq, decode: decodeFeatureStatReq },
  Unregister: { encode: encodeUnregister, decode: decodeUnregister },
  RegisterAck: { encode: encodeRegisterAck, decode: decodeRegisterAck },
  RegisterReject: { encode: encodeRegisterReject, decode: decodeRegisterReject },
  UnregisterAck: { encode: encodeUnregisterAck, decode: decodeUnregisterAck },
  ButtonTemplate: { encode: encodeButtonTemplate, decode: decodeButtonTemplate },
  LineStat: { encode: encodeLineStat, decode: decodeLineStat },
  ConfigStat: { encode: encodeConfigStat, decode: decodeConfigStat },
  DefineTimeDate: { encode: encodeDefineTimeDate, decode: decodeDefineTimeDate },
  SoftKeyTemplateRes: { encode: encodeSoftKeyTemplateRes, decode: decodeSoftKeyTemplateRes },
  SoftKeySetRes: { encode: encodeSoftKeySetRes, decode: decodeSoftKeySetRes },
  SelectSoftKeys: { encode: encodeSelectSoftKeys, decode: decodeSelectSoftKeys },
  ServerRes: { encode: encodeServerRes, decode: decodeServerRes },
  Reset: { encode: encodeReset, decode: decodeReset },
  DisplayNotify: { encode: encodeDisplayNotify, decode: decodeDisplayNotify },
  SpeedDialStat: { encode: encodeSpeedDialStat, decode: decodeSpeedDialStat },
  ForwardStat: { encode: encodeForwardStat, decode: decodeForwardStat },
  FeatureStat: { encode: encodeFeatureStat, decode: decodeFeatureStat },
  OffHook: { encode: encodeOffHook, decode: decodeOffHook },
  OnHook: { encode: encodeOnHook, decode: decodeOnHook },
  KeypadButton: { encode: encodeKeypadButton, decode: decodeKeypadButton },
  EnblocCall: { encode: encodeEnblocCall, decode: decodeEnblocCall },
  Stimulus: { encode: encodeStimulus, decode: decodeStimulus },
  SoftKeyEvent: { encode: encodeSoftKeyEvent, decode: decodeSoftKeyEvent },
  OpenReceiveChannelAck: { encode: encodeOpenReceiveChannelAck, decode: decodeOpenReceiveChannelAck },
  CallState: { encode: encodeCallState, decode: decodeCallState },
  CallInfo: { encode: encodeCallInfo, decode: decodeCallInfo },
  DialedNumber: { encode: encodeDialedNumber, decode: decodeDialedNumber },
  DisplayPromptStatus: { encode: encodeDisplayPromptStatus, decode: decodeDisplayPromptStatus },
  ClearPromptStatus: { encode: encodeClearPromptStatus, decode: decodeClearPromptStatus },
  ActivateCallPlane: { encode: encodeActivateCallPlane, decode: decodeActivateCallPlane },
  StartTone: { encode: encodeStartTone, decode: decodeStartTone },
  StopTone: { encode: encodeStopTone, decode: decodeStopTone },
  SetLamp: { encode: encodeSetLamp, decode: decodeSetLamp },
  SetRinger: { encode: encodeSetRinger, decode: decodeSetRinger },
  OpenReceiveChannel: { encode: encodeOpenReceiveChannel, decode: decodeOpenReceiveChannel },
  CloseReceiveChannel: { encode: encodeMediaChannelClose, decode: decodeCloseReceiveChannel },
  StartMediaTransmission: { encode: encodeStartMediaTransmission, decode: decodeStartMediaTransmission },
  StopMediaTransmission: { encode: encodeMediaChannelClose, decode: decodeStopMediaTransmission },
};

/** True if the codec has a layout for this message type name. */
export function isSccpMessageType(name: string): name is SccpMessageType {
  return Object.hasOwn(CODECS, name);
}

/**
 * Decode a frame into a message of either direction. Never throws: short bodies zero-fill,
 * longer bodies' extra bytes are ignored, and ids without a layout give `{ type: 'Unknown' }`
 * (reference §1: read and discard, do not disconnect).
 */
export function decodeMessage(frame: SccpFrame): SccpMessage {
  const name = knownMessageName(frame.messageId);
  if (name !== undefined && isSccpMessageType(name)) return CODECS[name].decode(frame.body);
  return { type: 'Unknown', messageId: frame.messageId, body: frame.body };
}

/** Encode a message's body only (no header, no padding). */
export function encodeMessageBody(msg: SccpMessageInput): Buffer {
  if (msg.type === 'Unknown') return msg.body;
  // CODECS[msg.type] is the codec of exactly msg.type; TS cannot correlate the two unions.
  const encode = CODECS[msg.type].encode as (m: SccpMessageInput) => Buffer;
  return encode(msg);
}

/** Encode a whole frame (header + padded body); see {@link encodeFrame} for `headerVersion`. */
export function encodeMessage(msg: SccpMessageInput, headerVersion = 0): Buffer {
  const id = msg.type === 'Unknown' ? msg.messageId : MessageId[msg.type];
  return encodeFrame(id, encodeMessageBody(msg), headerVersion);
}
