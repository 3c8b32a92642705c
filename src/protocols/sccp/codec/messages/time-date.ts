import { zeroFill } from '../zero-fill.js';

/** DefineTimeDate (0x0094, server → phone): the phone's clock, as local wall-clock time. */
export interface DefineTimeDate {
  type: 'DefineTimeDate';
  year: number;
  /** 1..12 */
  month: number;
  /** 0 = Sunday .. 6 */
  dayOfWeek: number;
  /** 1..31 */
  day: number;
  hour: number;
  minute: number;
  seconds: number;
  milliseconds: number;
  /** Unix epoch seconds (shifted by the same offset as the wall-clock fields). */
  systemTime: number;
}

// Reference §3.10: nine u32, in this order, 36 bytes.
const FIELDS = [
  'year',
  'month',
  'dayOfWeek',
  'day',
  'hour',
  'minute',
  'seconds',
  'milliseconds',
  'systemTime',
] as const;
const TIME_DATE_BODY = 4 * FIELDS.length;

export function decodeDefineTimeDate(body: Buffer): DefineTimeDate {
  const b = zeroFill(body, TIME_DATE_BODY);
  const msg: DefineTimeDate = {
    type: 'DefineTimeDate',
    year: 0,
    month: 0,
    dayOfWeek: 0,
    day: 0,
    hour: 0,
    minute: 0,
    seconds: 0,
    milliseconds: 0,
    systemTime: 0,
  };
  FIELDS.forEach((field, i) => (msg[field] = b.readUInt32LE(4 * i)));
  return msg;
}

export function encodeDefineTimeDate(msg: Omit<DefineTimeDate, 'type'>): Buffer {
  const b = Buffer.alloc(TIME_DATE_BODY);
  FIELDS.forEach((field, i) => b.writeUInt32LE(msg[field] >>> 0, 4 * i));
  return b;
}

/**
 * The DefineTimeDate for an instant, shown at UTC + `utcOffsetMinutes`. Like chan-sccp
 * (reference §3.10), the offset is applied to the wall-clock fields and to systemTime alike;
 * milliseconds are sent as 0.
 */
export function defineTimeDateAt(instant: Date, utcOffsetMinutes = 0): DefineTimeDate {
  const local = new Date(instant.getTime() + utcOffsetMinutes * 60_000);
  return {
    type: 'DefineTimeDate',
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    dayOfWeek: local.getUTCDay(),
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    seconds: local.getUTCSeconds(),
    milliseconds: 0,
    systemTime: Math.floor(local.getTime() / 1000),
  };
}
