import { describe, expect, it } from 'vitest';
import { decodeDefineTimeDate, defineTimeDateAt, encodeDefineTimeDate } from './time-date.js';

describe('DefineTimeDate (reference §3.10)', () => {
  it('encodes nine u32 in order, 36 bytes', () => {
    const msg = defineTimeDateAt(new Date('2026-03-14T15:09:26.535Z'));
    expect(msg).toEqual({
      type: 'DefineTimeDate',
      year: 2026,
      month: 3,
      dayOfWeek: 6,
      day: 14,
      hour: 15,
      minute: 9,
      seconds: 26,
      milliseconds: 0,
      systemTime: 1773500966,
    });
    const body = encodeDefineTimeDate(msg);
    expect(body.toString('hex')).toBe(
      [
        'ea070000',
        '03000000',
        '06000000',
        '0e000000',
        '0f000000',
        '09000000',
        '1a000000',
        '00000000',
        '267ab569',
      ].join(''),
    );
    expect(decodeDefineTimeDate(body)).toEqual(msg);
  });

  it('shifts wall clock and systemTime by the UTC offset, like chan-sccp', () => {
    const msg = defineTimeDateAt(new Date('2026-12-31T23:30:00Z'), 60);
    expect(msg).toMatchObject({ year: 2027, month: 1, day: 1, hour: 0, minute: 30, dayOfWeek: 5 });
    expect(msg.systemTime).toBe(Date.parse('2026-12-31T23:30:00Z') / 1000 + 3600);
  });

  it('zero-fills a short body', () => {
    expect(decodeDefineTimeDate(Buffer.from('ea070000', 'hex'))).toMatchObject({
      year: 2026,
      month: 0,
      systemTime: 0,
    });
  });
});
