import { describe, expect, it } from 'vitest';
import { encodeFrame, SccpFrameReader } from './frame.js';
import { headerVersionFor } from './header-version.js';
import { MessageId } from './message-id.js';
import { EMPTY_MESSAGE_TYPES } from './messages/empty.js';
import {
  decodeMessage,
  encodeMessage,
  isSccpMessageType,
  type SccpMessage,
  type SccpMessageType,
} from './sccp-message.js';
import { defaultSoftKeySets, defaultSoftKeyTemplate } from './soft-keys.js';

/** One decoded example of every message type the codec knows. */
const EXAMPLES: { [K in SccpMessageType]: Extract<SccpMessage, { type: K }> } = {
  KeepAlive: { type: 'KeepAlive' },
  KeepAliveAck: { type: 'KeepAliveAck' },
  CapabilitiesReq: { type: 'CapabilitiesReq' },
  ButtonTemplateReq: { type: 'ButtonTemplateReq' },
  ConfigStatReq: { type: 'ConfigStatReq' },
  TimeDateReq: { type: 'TimeDateReq' },
  SoftKeyTemplateReq: { type: 'SoftKeyTemplateReq' },
  SoftKeySetReq: { type: 'SoftKeySetReq' },
  ServerReq: { type: 'ServerReq' },
  RegisterTokenAck: { type: 'RegisterTokenAck' },
  RegisterTokenRequest: {
    type: 'RegisterTokenRequest',
    deviceName: 'SEP001122334455',
    instance: 1,
    stationIpAddr: '10.0.0.7',
    deviceType: 115,
  },
  RegisterTokenReject: { type: 'RegisterTokenReject', waitTimeBeforeNextReq: 7 },
  Register: {
    type: 'Register',
    deviceName: 'SEP001122334455',
    userId: 0,
    instance: 1,
    stationIpAddr: '192.168.9.36',
    deviceType: 8,
    maxStreams: 5,
    activeStreams: 0,
    protocolVersion: 11,
    featureByte: 0,
    phoneFeatures: 0,
    maxConferences: 0,
    activeConferences: 0,
    ipV4AddressScope: 0,
    maxNumberOfLines: 0,
    ipV6AddressScope: 0,
    bodySize: 68,
  },
  IpPort: { type: 'IpPort', rtpMediaPort: 20000 },
  HeadsetStatus: { type: 'HeadsetStatus', mode: 2 },
  Alarm: { type: 'Alarm', severity: 2, text: 'hello', parm1: 1, parm2: 2 },
  RegisterAvailableLines: { type: 'RegisterAvailableLines', maxNumOfAvailLines: 2 },
  CapabilitiesRes: {
    type: 'CapabilitiesRes',
    capabilities: [{ payloadCapability: 9, maxFramesPerPacket: 30, g723BitRate: 1 }],
  },
  LineStatReq: { type: 'LineStatReq', lineNumber: 1 },
  SpeedDialStatReq: { type: 'SpeedDialStatReq', speedDialNumber: 1 },
  ForwardStatReq: { type: 'ForwardStatReq', lineNumber: 1 },
  FeatureStatReq: { type: 'FeatureStatReq', featureIndex: 1, featureCapabilities: 0 },
  Unregister: { type: 'Unregister', reason: 0 },
  RegisterAck: {
    type: 'RegisterAck',
    keepAliveInterval: 30,
    dateTemplate: 'M/D/Y',
    secondaryKeepAliveInterval: 60,
    maxProtocolVersion: 11,
    featureByte: 0x20,
    phoneFeatures: 0xfff1,
  },
  RegisterReject: { type: 'RegisterReject', text: 'Device Unknown' },
  UnregisterAck: { type: 'UnregisterAck', status: 0 },
  ButtonTemplate: {
    type: 'ButtonTemplate',
    buttonOffset: 0,
    buttonCount: 1,
    totalButtonCount: 1,
    buttons: [{ instanceNumber: 1, buttonDefinition: 9 }],
  },
  LineStat: {
    type: 'LineStat',
    lineNumber: 1,
    lineDirNumber: '1000',
    lineFullyQualifiedDisplayName: 'A',
    lineTextLabel: 'B',
    lineDisplayOptions: 0,
  },
  ConfigStat: {
    type: 'ConfigStat',
    deviceName: 'SEP001122334455',
    stationUserId: 0,
    stationInstance: 1,
    userName: '',
    serverName: 'openucm',
    numberLines: 1,
    numberSpeedDials: 0,
  },
  DefineTimeDate: {
    type: 'DefineTimeDate',
    year: 2026,
    month: 1,
    dayOfWeek: 4,
    day: 1,
    hour: 0,
    minute: 0,
    seconds: 0,
    milliseconds: 0,
    systemTime: 1767225600,
  },
  SoftKeyTemplateRes: defaultSoftKeyTemplate(),
  SoftKeySetRes: defaultSoftKeySets(),
  SelectSoftKeys: {
    type: 'SelectSoftKeys',
    lineInstance: 1,
    callReference: 0,
    softKeySetIndex: 0,
    validKeyMask: 0xffffffff,
  },
  ServerRes: {
    type: 'ServerRes',
    servers: Array.from({ length: 5 }, (_, i) => ({
      name: i ? '' : 'openucm',
      port: i ? 0 : 2000,
      ipAddress: i ? '0.0.0.0' : '10.0.0.1',
    })),
    bodySize: 280,
  },
  Reset: { type: 'Reset', resetType: 1 },
  DisplayNotify: { type: 'DisplayNotify', displayTimeout: 5, text: 'openucm Connected' },
  SpeedDialStat: {
    type: 'SpeedDialStat',
    speedDialNumber: 1,
    speedDialDirNumber: '',
    speedDialDisplayName: '',
  },
  ForwardStat: {
    type: 'ForwardStat',
    activeForward: 0,
    lineNumber: 1,
    forwardAllActive: 0,
    forwardAllNumber: '',
    forwardBusyActive: 0,
    forwardBusyNumber: '',
    forwardNoAnswerActive: 0,
    forwardNoAnswerNumber: '',
    bodySize: 92,
  },
  FeatureStat: {
    type: 'FeatureStat',
    featureIndex: 1,
    featureId: 0x13,
    featureTextLabel: 'DND',
    featureStatus: 0,
  },
  OffHook: { type: 'OffHook', lineInstance: 1, callReference: 0 },
  OnHook: { type: 'OnHook', lineInstance: 1, callReference: 7 },
  KeypadButton: { type: 'KeypadButton', button: 0x0e, lineInstance: 1, callReference: 7 },
  EnblocCall: { type: 'EnblocCall', calledParty: '1002', lineInstance: 1 },
  Stimulus: { type: 'Stimulus', stimulus: 9, stimulusInstance: 1, callReference: 0, stimulusStatus: 0 },
  SoftKeyEvent: { type: 'SoftKeyEvent', softKeyEvent: 11, lineInstance: 1, callReference: 0x01000001 },
  OpenReceiveChannelAck: {
    type: 'OpenReceiveChannelAck',
    status: 0,
    ipAddress: '192.168.9.36',
    port: 20002,
    passThruPartyId: 0xfffffff8,
    callReference: 7,
    v17: false,
  },
  CallState: {
    type: 'CallState',
    callState: 5,
    lineInstance: 1,
    callReference: 7,
    privacy: 0,
    precedenceLevel: 4,
    precedenceDomain: 0,
  },
  CallInfo: {
    type: 'CallInfo',
    callingPartyName: 'Lobby',
    callingParty: '1001',
    calledPartyName: 'Desk',
    calledParty: '1002',
    lineInstance: 1,
    callReference: 7,
    callType: 2,
    originalCalledPartyName: 'Desk',
    originalCalledParty: '1002',
    lastRedirectingPartyName: 'Front desk',
    lastRedirectingParty: '1003',
    originalCdpnRedirectReason: 15,
    lastRedirectingReason: 2,
    callInstance: 1,
  },
  DialedNumber: { type: 'DialedNumber', dialedNumber: '1002', lineInstance: 1, callReference: 7 },
  DisplayPromptStatus: {
    type: 'DisplayPromptStatus',
    timeOutValue: 0,
    promptStatus: '\x80\x18',
    lineInstance: 1,
    callReference: 7,
  },
  ClearPromptStatus: { type: 'ClearPromptStatus', lineInstance: 1, callReference: 7 },
  ActivateCallPlane: { type: 'ActivateCallPlane', lineInstance: 1 },
  StartTone: { type: 'StartTone', tone: 0x21, direction: 0, lineInstance: 1, callReference: 7 },
  StopTone: { type: 'StopTone', lineInstance: 1, callReference: 7, tone: 0 },
  SetLamp: { type: 'SetLamp', stimulus: 9, stimulusInstance: 1, lampMode: 5 },
  SetRinger: { type: 'SetRinger', ringMode: 2, ringDuration: 1, lineInstance: 1, callReference: 7 },
  OpenReceiveChannel: {
    type: 'OpenReceiveChannel',
    conferenceId: 7,
    passThruPartyId: 0xfffffff8,
    msPacketSize: 20,
    compressionType: 4,
    callReference: 7,
    v17: false,
  },
  CloseReceiveChannel: { type: 'CloseReceiveChannel', conferenceId: 7, passThruPartyId: 8, callReference: 7 },
  StartMediaTransmission: {
    type: 'StartMediaTransmission',
    conferenceId: 7,
    passThruPartyId: 0xfffffff8,
    remoteIpAddress: '192.168.9.37',
    remotePort: 20004,
    msPacketSize: 20,
    compressionType: 4,
    callReference: 7,
    v17: false,
  },
  StopMediaTransmission: {
    type: 'StopMediaTransmission',
    conferenceId: 7,
    passThruPartyId: 8,
    callReference: 7,
  },
};

const ALL = Object.values(EXAMPLES) as SccpMessage[];

function roundTrip(msg: SccpMessage, headerVersion = 0): SccpMessage {
  const [frame, ...rest] = new SccpFrameReader().push(encodeMessage(msg, headerVersion));
  expect(rest).toEqual([]);
  expect(frame.headerVersion).toBe(headerVersion);
  return decodeMessage(frame);
}

describe('encodeMessage / decodeMessage', () => {
  it.each(ALL.map((msg) => [msg.type, msg] as const))('round-trips %s', (_type, msg) => {
    expect(roundTrip(msg)).toEqual(msg);
    expect(roundTrip(msg, 0x11)).toEqual(msg);
  });

  it('uses MessageId[type] as the frame id and pads every frame to a multiple of 4', () => {
    for (const msg of ALL) {
      if (msg.type === 'Unknown') continue;
      const frame = encodeMessage(msg);
      expect(frame.readUInt32LE(8)).toBe(MessageId[msg.type]);
      expect(frame.length % 4).toBe(0);
      expect(frame.readUInt32LE(0)).toBe(frame.length - 8);
    }
  });

  it('encodes empty-body messages as 12-byte frames', () => {
    for (const type of EMPTY_MESSAGE_TYPES) {
      const frame = encodeMessage({ type });
      expect(frame).toHaveLength(12);
      expect(frame.readUInt32LE(0)).toBe(4);
    }
    expect(encodeMessage({ type: 'KeepAlive' }).toString('hex')).toBe('040000000000000000000000');
    expect(encodeMessage({ type: 'KeepAliveAck' }).toString('hex')).toBe('040000000000000000010000');
  });

  it('accepts encoder inputs with defaults left out', () => {
    const frame = encodeMessage({
      type: 'Register',
      deviceName: 'SEP001122334455',
      stationIpAddr: '10.0.0.5',
      deviceType: 8,
      bodySize: 68,
    });
    expect(frame).toHaveLength(12 + 68);
    const msg = decodeMessage(new SccpFrameReader().push(frame)[0]);
    expect(msg).toMatchObject({ type: 'Register', instance: 1, stationIpAddr: '10.0.0.5' });
  });

  it("decodes unknown ids and ids without a layout as { type: 'Unknown' } and re-encodes them", () => {
    const hookFlash = {
      headerVersion: 0,
      messageId: MessageId.HookFlash,
      body: Buffer.from('0100000000000000', 'hex'),
    };
    expect(decodeMessage(hookFlash)).toEqual({ type: 'Unknown', messageId: 8, body: hookFlash.body });
    const strange = { headerVersion: 0, messageId: 0x1234, body: Buffer.alloc(3, 7) };
    const msg = decodeMessage(strange);
    expect(msg).toEqual({ type: 'Unknown', messageId: 0x1234, body: strange.body });
    expect(encodeMessage(msg)).toEqual(encodeFrame(0x1234, strange.body));
  });

  it('never throws when decoding short bodies (zero-fill)', () => {
    for (const msg of ALL) {
      if (msg.type === 'Unknown') continue;
      const body = encodeMessage(msg).subarray(12);
      for (const size of [0, 1, 3, 5, 13, Math.floor(body.length / 2)]) {
        const frame = { headerVersion: 0, messageId: MessageId[msg.type], body: body.subarray(0, size) };
        expect(decodeMessage(frame).type).toBe(msg.type);
      }
    }
  });

  it('ignores bytes beyond a known layout', () => {
    const body = Buffer.concat([encodeMessage(EXAMPLES.LineStat).subarray(12), Buffer.alloc(40, 0x55)]);
    expect(decodeMessage({ headerVersion: 0, messageId: MessageId.LineStat, body })).toEqual(
      EXAMPLES.LineStat,
    );
  });

  it('narrows on msg.type', () => {
    const msg = decodeMessage({
      headerVersion: 0,
      messageId: MessageId.Reset,
      body: Buffer.from('02000000', 'hex'),
    });
    switch (msg.type) {
      case 'Reset':
        expect(msg.resetType).toBe(2);
        break;
      default:
        throw new Error(`unexpected ${msg.type}`);
    }
  });

  it('knows which names have a layout', () => {
    expect(isSccpMessageType('Register')).toBe(true);
    expect(isSccpMessageType('OffHook')).toBe(true);
    expect(isSccpMessageType('HookFlash')).toBe(false);
    expect(isSccpMessageType('toString')).toBe(false);
  });
});

describe('headerVersionFor (reference §1)', () => {
  it('sends 0 on RegisterAck, KeepAliveAck, UnregisterAck and below protocol 10', () => {
    expect(headerVersionFor(MessageId.RegisterAck, 17)).toBe(0);
    expect(headerVersionFor(MessageId.KeepAliveAck, 17)).toBe(0);
    expect(headerVersionFor(MessageId.UnregisterAck, 17)).toBe(0);
    expect(headerVersionFor(MessageId.ButtonTemplate, 9)).toBe(0);
  });

  it('sends the agreed version otherwise, and refuses versions Wireshark would not dissect', () => {
    expect(headerVersionFor(MessageId.ButtonTemplate, 11)).toBe(0x0b);
    expect(headerVersionFor(MessageId.LineStat, 22)).toBe(0x16);
    expect(() => headerVersionFor(MessageId.LineStat, 12)).toThrow(RangeError);
    expect(() => headerVersionFor(MessageId.LineStat, 23)).toThrow(RangeError);
  });
});
