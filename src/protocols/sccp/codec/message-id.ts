/**
 * Skinny message ids of the registration / startup set, and the phone's call and media messages
 * (calls.md §1.1) that the session routes.
 *
 * Reference §2 (ids verified against Wireshark's message_id table and chan-sccp's sccp_mid_t).
 * Names follow the reference; Wireshark shows a few of them differently (KeepAliveReq,
 * RegisterReq, UnregisterReq, ForwardStatRes, SpeedDialStatRes, LineStatRes, ConfigStatRes,
 * TimeDateRes, ButtonTemplateRes, FeatureStatRes) — same numbers.
 */
export const MessageId = {
  // phone → server
  KeepAlive: 0x0000,
  Register: 0x0001,
  IpPort: 0x0002,
  KeypadButton: 0x0003,
  EnblocCall: 0x0004,
  Stimulus: 0x0005,
  OffHook: 0x0006,
  OnHook: 0x0007,
  HookFlash: 0x0008,
  ForwardStatReq: 0x0009,
  SpeedDialStatReq: 0x000a,
  LineStatReq: 0x000b,
  ConfigStatReq: 0x000c,
  TimeDateReq: 0x000d,
  ButtonTemplateReq: 0x000e,
  CapabilitiesRes: 0x0010,
  ServerReq: 0x0012,
  Alarm: 0x0020,
  OpenReceiveChannelAck: 0x0022,
  ConnectionStatisticsRes: 0x0023,
  SoftKeySetReq: 0x0025,
  SoftKeyEvent: 0x0026,
  Unregister: 0x0027,
  SoftKeyTemplateReq: 0x0028,
  RegisterTokenRequest: 0x0029,
  MediaTransmissionFailure: 0x002a,
  HeadsetStatus: 0x002b,
  RegisterAvailableLines: 0x002d,
  ServiceURLStatReq: 0x0033,
  FeatureStatReq: 0x0034,
  StartMediaTransmissionAck: 0x0154,
  // server → phone
  RegisterAck: 0x0081,
  StartTone: 0x0082,
  StopTone: 0x0083,
  SetRinger: 0x0085,
  SetLamp: 0x0086,
  SetSpeakerMode: 0x0088,
  StartMediaTransmission: 0x008a,
  StopMediaTransmission: 0x008b,
  CallInfo: 0x008f,
  ForwardStat: 0x0090,
  SpeedDialStat: 0x0091,
  LineStat: 0x0092,
  ConfigStat: 0x0093,
  DefineTimeDate: 0x0094,
  ButtonTemplate: 0x0097,
  DisplayText: 0x0099,
  ClearDisplay: 0x009a,
  CapabilitiesReq: 0x009b,
  RegisterReject: 0x009d,
  ServerRes: 0x009e,
  Reset: 0x009f,
  KeepAliveAck: 0x0100,
  OpenReceiveChannel: 0x0105,
  CloseReceiveChannel: 0x0106,
  SoftKeyTemplateRes: 0x0108,
  SoftKeySetRes: 0x0109,
  SelectSoftKeys: 0x0110,
  CallState: 0x0111,
  DisplayPromptStatus: 0x0112,
  ClearPromptStatus: 0x0113,
  DisplayNotify: 0x0114,
  ClearNotify: 0x0115,
  ActivateCallPlane: 0x0116,
  DeactivateCallPlane: 0x0117,
  UnregisterAck: 0x0118,
  RegisterTokenAck: 0x011a,
  RegisterTokenReject: 0x011b,
  DialedNumber: 0x011d,
  FeatureStat: 0x011f,
  DisplayPriNotify: 0x0120,
  ClearPriNotify: 0x0121,
} as const;

/** Name of a known message id, e.g. `'Register'`. */
export type MessageName = keyof typeof MessageId;

const namesById: ReadonlyMap<number, MessageName> = new Map(
  (Object.keys(MessageId) as MessageName[]).map((name) => [MessageId[name], name]),
);

/** The message name for logs: `'Register'`, or `'Unknown(0x1234)'` for an id we do not know. */
export function messageName(id: number): string {
  return namesById.get(id) ?? `Unknown(0x${id.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** The known name of an id, or undefined. */
export function knownMessageName(id: number): MessageName | undefined {
  return namesById.get(id);
}
