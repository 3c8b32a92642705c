import { describe, expect, it } from 'vitest';
import { decodeConfigStat, encodeConfigStat } from './config-stat.js';
import { decodeLineStat, decodeLineStatReq, encodeLineStat, encodeLineStatReq } from './line-stat.js';

const str = (s: string, size: number): string => Buffer.from(s.padEnd(size, '\0'), 'latin1').toString('hex');

describe('LineStatReq / LineStat (reference §2, §3.8)', () => {
  it('encodes LineStatReq as one u32', () => {
    expect(encodeLineStatReq({ lineNumber: 2 }).toString('hex')).toBe('02000000');
    expect(decodeLineStatReq(Buffer.from('02000000', 'hex'))).toEqual({ type: 'LineStatReq', lineNumber: 2 });
  });

  it('encodes the 112-byte LineStat at its offsets', () => {
    const msg = {
      lineNumber: 1,
      lineDirNumber: '1000',
      lineFullyQualifiedDisplayName: 'Reception',
      lineTextLabel: '1000 - Reception',
      lineDisplayOptions: 0x0f,
    };
    const body = encodeLineStat(msg);
    expect(body.toString('hex')).toBe(
      '01000000' + str('1000', 24) + str('Reception', 40) + str('1000 - Reception', 40) + '0f000000',
    );
    expect(decodeLineStat(body)).toEqual({ type: 'LineStat', ...msg });
  });

  it('truncates a DN to 23 characters plus NUL', () => {
    const body = encodeLineStat({
      lineNumber: 1,
      lineDirNumber: '1'.repeat(30),
      lineFullyQualifiedDisplayName: '',
      lineTextLabel: '',
      lineDisplayOptions: 0,
    });
    expect(decodeLineStat(body).lineDirNumber).toBe('1'.repeat(23));
    expect(body[27]).toBe(0);
  });
});

describe('ConfigStat (reference §3.9)', () => {
  it('encodes the 112-byte body at its offsets and round-trips', () => {
    const msg = {
      deviceName: 'SEP001122334455',
      stationUserId: 0,
      stationInstance: 1,
      userName: 'alice',
      serverName: 'openucm',
      numberLines: 2,
      numberSpeedDials: 0,
    };
    const body = encodeConfigStat(msg);
    expect(body.toString('hex')).toBe(
      str('SEP001122334455', 16) +
        '00000000' +
        '01000000' +
        str('alice', 40) +
        str('openucm', 40) +
        '02000000' +
        '00000000',
    );
    expect(decodeConfigStat(body)).toEqual({ type: 'ConfigStat', ...msg });
  });
});
