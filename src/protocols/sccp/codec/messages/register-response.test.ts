import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../sccp-message.js';
import {
  decodeRegisterAck,
  decodeRegisterReject,
  encodeRegisterAck,
  encodeRegisterReject,
  registerAckFeatures,
} from './register-response.js';
import {
  decodeUnregister,
  decodeUnregisterAck,
  encodeUnregister,
  encodeUnregisterAck,
} from './unregister.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RegisterAck (reference §3.2)', () => {
  const BODY = hex('1e000000 4d2f442f5900 0000 3c000000 0b 20 f1ff');

  it('encodes the 20-byte body with chan-sccp feature bytes for V11', () => {
    const body = encodeRegisterAck({
      keepAliveInterval: 30,
      dateTemplate: 'M/D/Y',
      secondaryKeepAliveInterval: 60,
      maxProtocolVersion: 11,
    });
    expect(body.toString('hex')).toBe(BODY.toString('hex'));
  });

  it('decodes it', () => {
    expect(decodeRegisterAck(BODY)).toEqual({
      type: 'RegisterAck',
      keepAliveInterval: 30,
      dateTemplate: 'M/D/Y',
      secondaryKeepAliveInterval: 60,
      maxProtocolVersion: 11,
      featureByte: 0x20,
      phoneFeatures: 0xfff1,
    });
  });

  it('picks the feature bytes chan-sccp sends per version', () => {
    expect(registerAckFeatures(3)).toEqual({ featureByte: 0, phoneFeatures: 0 });
    expect(registerAckFeatures(5)).toEqual({ featureByte: 0x20, phoneFeatures: 0xfef1 });
    expect(registerAckFeatures(17)).toEqual({ featureByte: 0x20, phoneFeatures: 0xfff1 });
  });

  it('frames as 32 bytes with length 24', () => {
    const frame = encodeMessage({
      type: 'RegisterAck',
      keepAliveInterval: 30,
      dateTemplate: 'D/M/Y',
      secondaryKeepAliveInterval: 60,
      maxProtocolVersion: 3,
    });
    expect(frame.subarray(0, 12).toString('hex')).toBe('18000000' + '00000000' + '81000000');
    expect(frame).toHaveLength(32);
    expect(frame.subarray(28).toString('hex')).toBe('03000000');
  });
});

describe('RegisterReject (reference §3.3)', () => {
  it('sends the text NUL-padded in 32 bytes', () => {
    const body = encodeRegisterReject({ text: 'Device Unknown' });
    expect(body.toString('hex')).toBe(
      Buffer.from('Device Unknown'.padEnd(32, '\0'), 'latin1').toString('hex'),
    );
    expect(decodeRegisterReject(body)).toEqual({ type: 'RegisterReject', text: 'Device Unknown' });
  });

  it('truncates to 31 characters and keeps the terminating NUL', () => {
    const text = 'Auto-registration protocol is SIP, phone speaks SCCP';
    const body = encodeRegisterReject({ text });
    expect(body).toHaveLength(32);
    expect(body[31]).toBe(0);
    expect(decodeRegisterReject(body).text).toBe(text.slice(0, 31));
  });

  it('keeps exactly 31 characters intact', () => {
    const text = 'x'.repeat(31);
    expect(decodeRegisterReject(encodeRegisterReject({ text })).text).toBe(text);
  });

  it('frames as 44 bytes', () => {
    const frame = encodeMessage({ type: 'RegisterReject', text: 'IP Not Authorized' });
    expect(frame.subarray(0, 12).toString('hex')).toBe('24000000' + '00000000' + '9d000000');
    expect(frame).toHaveLength(44);
  });

  it('reads the text of a body without NUL up to 32 bytes', () => {
    expect(decodeRegisterReject(Buffer.alloc(40, 0x41)).text).toBe('A'.repeat(32));
  });
});

describe('Unregister / UnregisterAck (reference §3.4)', () => {
  it('encodes and decodes the u32 reason and status', () => {
    expect(encodeUnregister({ reason: 1 }).toString('hex')).toBe('01000000');
    expect(encodeUnregisterAck({ status: 2 }).toString('hex')).toBe('02000000');
    expect(decodeUnregister(hex('01000000'))).toEqual({ type: 'Unregister', reason: 1 });
    expect(decodeUnregisterAck(hex('02000000'))).toEqual({ type: 'UnregisterAck', status: 2 });
  });

  it('reads an empty Unregister body (old phones) as reason 0', () => {
    expect(decodeUnregister(Buffer.alloc(0))).toEqual({ type: 'Unregister', reason: 0 });
  });
});
