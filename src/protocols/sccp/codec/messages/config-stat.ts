import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** ConfigStat (0x0093, server → phone): answer to ConfigStatReq. */
export interface ConfigStat {
  type: 'ConfigStat';
  deviceName: string;
  stationUserId: number;
  stationInstance: number;
  userName: string;
  serverName: string;
  numberLines: number;
  numberSpeedDials: number;
}

// Reference §3.9: char[16] deviceName @0, u32 stationUserId @16, u32 stationInstance @20,
// char[40] userName @24, char[40] serverName @64, u32 numberLines @104, u32 numberSpeedDials @108.
const CONFIG_STAT_BODY = 112;

export function decodeConfigStat(body: Buffer): ConfigStat {
  const b = zeroFill(body, CONFIG_STAT_BODY);
  return {
    type: 'ConfigStat',
    deviceName: readFixedString(b, 0, 16),
    stationUserId: b.readUInt32LE(16),
    stationInstance: b.readUInt32LE(20),
    userName: readFixedString(b, 24, 40),
    serverName: readFixedString(b, 64, 40),
    numberLines: b.readUInt32LE(104),
    numberSpeedDials: b.readUInt32LE(108),
  };
}

export function encodeConfigStat(msg: Omit<ConfigStat, 'type'>): Buffer {
  const b = Buffer.alloc(CONFIG_STAT_BODY);
  writeFixedString(b, 0, 16, msg.deviceName);
  b.writeUInt32LE(msg.stationUserId, 16);
  b.writeUInt32LE(msg.stationInstance, 20);
  writeFixedString(b, 24, 40, msg.userName);
  writeFixedString(b, 64, 40, msg.serverName);
  b.writeUInt32LE(msg.numberLines, 104);
  b.writeUInt32LE(msg.numberSpeedDials, 108);
  return b;
}
