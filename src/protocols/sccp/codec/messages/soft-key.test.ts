import { describe, expect, it } from 'vitest';
import {
  decodeSelectSoftKeys,
  decodeSoftKeySetRes,
  encodeSelectSoftKeys,
  encodeSoftKeySetRes,
} from './soft-key-set.js';
import { decodeSoftKeyTemplateRes, encodeSoftKeyTemplateRes } from './soft-key-template.js';

const str = (s: string, size: number): string => Buffer.from(s.padEnd(size, '\0'), 'latin1').toString('hex');

describe('SoftKeyTemplateRes (reference §3.13)', () => {
  const softKeys = [
    { label: 'Redial', event: 1 },
    { label: 'CFwdNoAnswer', event: 7 },
  ];

  it('encodes the full 652-byte body: header, 20-byte entries, zero tail', () => {
    const body = encodeSoftKeyTemplateRes({ softKeys });
    expect(body).toHaveLength(652);
    expect(body.subarray(0, 52).toString('hex')).toBe(
      '00000000' +
        '02000000' +
        '02000000' +
        str('Redial', 16) +
        '01000000' +
        str('CFwdNoAnswer', 16) +
        '07000000',
    );
    expect(body.subarray(52).every((b) => b === 0)).toBe(true);
  });

  it('round-trips and keeps a localized-label escape', () => {
    const keys = [...softKeys, { label: '\x80\x0b', event: 11 }];
    expect(decodeSoftKeyTemplateRes(encodeSoftKeyTemplateRes({ softKeys: keys }))).toEqual({
      type: 'SoftKeyTemplateRes',
      softKeyOffset: 0,
      softKeyCount: 3,
      totalSoftKeyCount: 3,
      softKeys: keys,
    });
  });

  it('decodes no more entries than the body holds', () => {
    const body = encodeSoftKeyTemplateRes({ softKeys }).subarray(0, 12 + 20);
    expect(decodeSoftKeyTemplateRes(body).softKeys).toEqual([softKeys[0]]);
  });
});

describe('SoftKeySetRes (reference §3.14)', () => {
  const sets = [
    { templateIndex: [1, 2, 5], infoIndex: [301, 302, 305] },
    { templateIndex: [3, 9], infoIndex: [303, 309] },
  ];

  it('encodes the full 780-byte body: u8 template indices, then u16 info indices', () => {
    const body = encodeSoftKeySetRes({ sets });
    expect(body).toHaveLength(780);
    expect(body.subarray(0, 12).toString('hex')).toBe('00000000' + '02000000' + '02000000');
    expect(body.subarray(12, 28).toString('hex')).toBe('010205' + '00'.repeat(13));
    expect(body.subarray(28, 34).toString('hex')).toBe('2d01' + '2e01' + '3101');
    expect(body.subarray(12 + 48, 12 + 50).toString('hex')).toBe('0309');
    expect(body.subarray(12 + 96).every((b) => b === 0)).toBe(true);
  });

  it('round-trips, trimming empty trailing slots', () => {
    expect(decodeSoftKeySetRes(encodeSoftKeySetRes({ sets }))).toEqual({
      type: 'SoftKeySetRes',
      softKeySetOffset: 0,
      softKeySetCount: 2,
      totalSoftKeySetCount: 2,
      sets,
    });
  });

  it('refuses more than 16 keys in a set', () => {
    const big = Array.from({ length: 17 }, () => 1);
    expect(() => encodeSoftKeySetRes({ sets: [{ templateIndex: big, infoIndex: [] }] })).toThrow(RangeError);
  });
});

describe('SelectSoftKeys (reference §2)', () => {
  it('encodes four u32', () => {
    const msg = { lineInstance: 1, callReference: 0, softKeySetIndex: 4, validKeyMask: 0xffffffff };
    const body = encodeSelectSoftKeys(msg);
    expect(body.toString('hex')).toBe('01000000' + '00000000' + '04000000' + 'ffffffff');
    expect(decodeSelectSoftKeys(body)).toEqual({ type: 'SelectSoftKeys', ...msg });
  });
});
