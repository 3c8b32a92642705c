import { describe, expect, it } from 'vitest';
import { decodeCapabilitiesRes, encodeCapabilitiesRes, PayloadCapability } from './capabilities.js';
import { decodeDisplayNotify, encodeDisplayNotify } from './display-notify.js';
import {
  decodeFeatureStat,
  decodeFeatureStatReq,
  encodeFeatureStat,
  encodeFeatureStatReq,
} from './feature-stat.js';
import {
  decodeForwardStat,
  decodeForwardStatReq,
  encodeForwardStat,
  encodeForwardStatReq,
} from './forward-stat.js';
import {
  decodeAlarm,
  decodeHeadsetStatus,
  decodeIpPort,
  decodeRegisterAvailableLines,
  encodeAlarm,
  encodeHeadsetStatus,
  encodeIpPort,
  encodeRegisterAvailableLines,
} from './phone-status.js';
import { decodeReset, encodeReset, ResetType } from './reset.js';
import {
  decodeSpeedDialStat,
  decodeSpeedDialStatReq,
  encodeSpeedDialStat,
  encodeSpeedDialStatReq,
} from './speed-dial.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const str = (s: string, size: number): string => Buffer.from(s.padEnd(size, '\0'), 'latin1').toString('hex');

describe('single-u32 bodies', () => {
  it('IpPort, HeadsetStatus, RegisterAvailableLines (reference §2, §3.16), Reset (§3.15)', () => {
    expect(encodeIpPort({ rtpMediaPort: 16384 }).toString('hex')).toBe('00400000');
    expect(decodeIpPort(hex('00400000'))).toEqual({ type: 'IpPort', rtpMediaPort: 16384 });
    expect(encodeHeadsetStatus({ mode: 2 }).toString('hex')).toBe('02000000');
    expect(decodeHeadsetStatus(hex('02000000'))).toEqual({ type: 'HeadsetStatus', mode: 2 });
    expect(encodeRegisterAvailableLines({ maxNumOfAvailLines: 2 }).toString('hex')).toBe('02000000');
    expect(decodeRegisterAvailableLines(hex('02000000'))).toEqual({
      type: 'RegisterAvailableLines',
      maxNumOfAvailLines: 2,
    });
    expect(encodeReset({ resetType: ResetType.Restart }).toString('hex')).toBe('02000000');
    expect(decodeReset(hex('01000000'))).toEqual({ type: 'Reset', resetType: 1 });
    expect(decodeReset(Buffer.alloc(0))).toEqual({ type: 'Reset', resetType: 0 });
  });
});

describe('Alarm (reference §2)', () => {
  it('encodes severity, char[80] text and two params: 92 bytes', () => {
    const msg = { severity: 2, text: 'Name=SEP001122334455 Load=P00308010200', parm1: 1, parm2: 0x0a000001 };
    const body = encodeAlarm(msg);
    expect(body.toString('hex')).toBe('02000000' + str(msg.text, 80) + '01000000' + '0100000a');
    expect(decodeAlarm(body)).toEqual({ type: 'Alarm', ...msg });
  });
});

describe('CapabilitiesRes (reference §3.6)', () => {
  const capabilities = [
    {
      payloadCapability: PayloadCapability.G711Ulaw64k,
      maxFramesPerPacket: 40,
      codecMode: 0,
      dynamicPayload: 0,
      codecParam1: 0,
      codecParam2: 0,
    },
    { payloadCapability: PayloadCapability.G7231, maxFramesPerPacket: 30, g723BitRate: 2 },
    {
      payloadCapability: PayloadCapability.G729AnnexA,
      maxFramesPerPacket: 60,
      codecMode: 1,
      dynamicPayload: 2,
      codecParam1: 3,
      codecParam2: 4,
    },
  ];

  it('encodes capCount and 16-byte entries with the G.723.1 union form', () => {
    const body = encodeCapabilitiesRes({ capabilities });
    expect(body.toString('hex')).toBe(
      '03000000' +
        '04000000' +
        '28000000' +
        '00000000' +
        '00000000' +
        '09000000' +
        '1e000000' +
        '02000000' +
        '00000000' +
        '0c000000' +
        '3c000000' +
        '01020304' +
        '00000000',
    );
    expect(decodeCapabilitiesRes(body)).toEqual({ type: 'CapabilitiesRes', capabilities });
  });

  it('decodes no more than 18 entries and no more than the body holds', () => {
    const body = encodeCapabilitiesRes({ capabilities });
    body.writeUInt32LE(1000, 0);
    expect(decodeCapabilitiesRes(body).capabilities).toHaveLength(3);
    expect(decodeCapabilitiesRes(body.subarray(0, 30)).capabilities).toHaveLength(1);
    expect(decodeCapabilitiesRes(Buffer.alloc(0)).capabilities).toEqual([]);
  });
});

describe('DisplayNotify (0x0114)', () => {
  it('encodes u32 timeout + char[32] text', () => {
    const body = encodeDisplayNotify({ displayTimeout: 5, text: 'openucm Connected' });
    expect(body.toString('hex')).toBe('05000000' + str('openucm Connected', 32));
    expect(decodeDisplayNotify(body)).toEqual({
      type: 'DisplayNotify',
      displayTimeout: 5,
      text: 'openucm Connected',
    });
  });
});

describe('SpeedDialStatReq / SpeedDialStat', () => {
  it('encodes u32 + char[24] + char[40]: 68 bytes', () => {
    expect(encodeSpeedDialStatReq({ speedDialNumber: 1 }).toString('hex')).toBe('01000000');
    expect(decodeSpeedDialStatReq(hex('01000000'))).toEqual({ type: 'SpeedDialStatReq', speedDialNumber: 1 });
    const msg = { speedDialNumber: 1, speedDialDirNumber: '2000', speedDialDisplayName: 'Helpdesk' };
    const body = encodeSpeedDialStat(msg);
    expect(body.toString('hex')).toBe('01000000' + str('2000', 24) + str('Helpdesk', 40));
    expect(decodeSpeedDialStat(body)).toEqual({ type: 'SpeedDialStat', ...msg });
  });
});

describe('ForwardStatReq / ForwardStat (reference §3.12)', () => {
  const msg = {
    activeForward: 1,
    lineNumber: 1,
    forwardAllActive: 1,
    forwardAllNumber: '3000',
    forwardBusyActive: 0,
    forwardBusyNumber: '',
    forwardNoAnswerActive: 0,
    forwardNoAnswerNumber: '',
  };

  it('encodes the 92-byte form (char[24] numbers; the reference says 108, which does not add up)', () => {
    expect(encodeForwardStatReq({ lineNumber: 1 }).toString('hex')).toBe('01000000');
    expect(decodeForwardStatReq(hex('01000000'))).toEqual({ type: 'ForwardStatReq', lineNumber: 1 });
    const body = encodeForwardStat(msg);
    expect(body.toString('hex')).toBe(
      '01000000' +
        '01000000' +
        '01000000' +
        str('3000', 24) +
        '00000000' +
        str('', 24) +
        '00000000' +
        str('', 24),
    );
    expect(decodeForwardStat(body)).toEqual({ type: 'ForwardStat', ...msg, bodySize: 92 });
  });

  it('encodes the 95-byte form (char[25] numbers, protocol ≥ 18)', () => {
    const body = encodeForwardStat({
      ...msg,
      forwardNoAnswerActive: 1,
      forwardNoAnswerNumber: '4000',
      bodySize: 95,
    });
    expect(body).toHaveLength(95);
    expect(body.readUInt32LE(16 + 50)).toBe(1);
    expect(body.subarray(20 + 50, 24 + 50).toString('latin1')).toBe('4000');
    expect(decodeForwardStat(body)).toMatchObject({ forwardNoAnswerNumber: '4000', bodySize: 95 });
    // padded to 96 on the wire
    const padded = Buffer.concat([body, Buffer.alloc(1)]);
    expect(decodeForwardStat(padded)).toMatchObject({ forwardNoAnswerNumber: '4000', bodySize: 95 });
  });
});

describe('FeatureStatReq / FeatureStat', () => {
  it('encodes FeatureStatReq as two u32 and FeatureStat as 52 bytes', () => {
    expect(encodeFeatureStatReq({ featureIndex: 3, featureCapabilities: 1 }).toString('hex')).toBe(
      '03000000' + '01000000',
    );
    expect(decodeFeatureStatReq(hex('0300000001000000'))).toEqual({
      type: 'FeatureStatReq',
      featureIndex: 3,
      featureCapabilities: 1,
    });
    const msg = { featureIndex: 3, featureId: 0x13, featureTextLabel: 'DND', featureStatus: 0 };
    const body = encodeFeatureStat(msg);
    expect(body.toString('hex')).toBe('03000000' + '13000000' + str('DND', 40) + '00000000');
    expect(decodeFeatureStat(body)).toEqual({ type: 'FeatureStat', ...msg });
  });
});
