/**
 * Cross-checks the codec against Wireshark's Skinny dissector: we write a pcap of a TCP
 * conversation on port 2000 made of frames we encoded, and assert that tshark reads back our
 * fields. Skipped (with a message) only when tshark is not installed; CI installs it.
 *
 * Field abbreviations were confirmed with `tshark -G fields` on TShark 4.0.17; they match
 * reference §6 (skinny.messageId, skinny.DeviceName, …). See the first test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultSoftKeySets,
  defaultSoftKeyTemplate,
  MessageId,
} from '../../src/protocols/sccp/codec/index.js';
import { buildCapture, REJECT_TEXT, WHEN } from './helpers/startup-capture.js';

const TSHARK_AVAILABLE = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error === undefined;
if (!TSHARK_AVAILABLE) {
  console.warn('tshark not found on PATH: skipping the Wireshark cross-check (apt-get install tshark)');
}

/** The fields we ask tshark for, all confirmed to exist in `tshark -G fields`. */
const FIELDS = [
  'skinny.messageId',
  'skinny.hdr_version',
  'skinny.data_length',
  'skinny.DeviceName',
  'skinny.instance',
  'skinny.stationIpAddr',
  'skinny.deviceType',
  'skinny.maxStreams',
  'skinny.protocolVer',
  'skinny.macAddress',
  'skinny.maxNumberOfLines',
  'skinny.firmwareLoadName',
  'skinny.keepAliveInterval',
  'skinny.dateTemplate',
  'skinny.secondaryKeepAliveInterval',
  'skinny.maxProtocolVer',
  'skinny.text',
  'skinny.capCount',
  'skinny.payloadCapability',
  'skinny.maxFramesPerPacket',
  'skinny.buttonOffset',
  'skinny.buttonCount',
  'skinny.totalButtonCount',
  'skinny.instanceNumber',
  'skinny.buttonDefinition',
  'skinny.lineNumber',
  'skinny.lineDirNumber',
  'skinny.lineFullyQualifiedDisplayName',
  'skinny.lineTextLabel',
  'skinny.wYear',
  'skinny.wMonth',
  'skinny.wDayOfWeek',
  'skinny.wDay',
  'skinny.wHour',
  'skinny.wMinute',
  'skinny.wSecond',
  'skinny.systemTime',
  'skinny.softKeyCount',
  'skinny.totalSoftKeyCount',
  'skinny.softKeyLabel',
  'skinny.softKeyEvent',
  'skinny.softKeySetCount',
  'skinny.totalSoftKeySetCount',
  'skinny.softKeyTemplateIndex',
  'skinny.softKeyInfoIndex',
  'skinny.resetType',
] as const;

type Field = (typeof FIELDS)[number];
/** One TCP segment as tshark reports it: every value of each field (several PDUs aggregate). */
type Row = Record<Field, string[]>;

const AGGREGATOR = '|';
function tshark(args: string[]): string {
  return execFileSync('tshark', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
}

describe.skipIf(!TSHARK_AVAILABLE)('Wireshark dissects our frames (tshark)', () => {
  let dir: string;
  let rows: Row[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openucm-sccp-'));
    const file = join(dir, 'sccp.pcap');
    writeFileSync(file, buildCapture());
    const out = tshark([
      '-n',
      '-r',
      file,
      '-Y',
      'skinny',
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-E',
      'occurrence=a',
      '-E',
      `aggregator=${AGGREGATOR}`,
      ...FIELDS.flatMap((f) => ['-e', f]),
    ]);
    rows = out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const cells = line.split('\t');
        const row = {} as Row;
        FIELDS.forEach((field, i) => (row[field] = cells[i] ? cells[i].split(AGGREGATOR) : []));
        return row;
      });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** tshark prints some integers in hex (`0x00000008`); Number() reads both forms. */
  const nums = (values: string[]): number[] => values.map(Number);

  /** The one segment whose Skinny PDUs carry exactly these message ids. */
  function segment(...ids: number[]): Row {
    const found = rows.filter((row) => nums(row['skinny.messageId']).join() === ids.join());
    expect(found, `segments with message ids ${ids.join()}`).toHaveLength(1);
    return found[0];
  }

  it('knows every field abbreviation we use (tshark -G fields)', () => {
    const known = new Set(
      tshark(['-G', 'fields'])
        .split('\n')
        .map((line) => line.split('\t')[2]),
    );
    expect(FIELDS.filter((f) => !known.has(f))).toEqual([]);
  });

  it('sees every Skinny PDU we wrote, in order', () => {
    const ids = rows.flatMap((row) => nums(row['skinny.messageId']));
    expect(ids).toEqual([
      MessageId.Register,
      MessageId.RegisterAck,
      MessageId.CapabilitiesReq,
      MessageId.CapabilitiesRes,
      MessageId.ButtonTemplateReq,
      MessageId.ButtonTemplate,
      MessageId.SoftKeyTemplateReq,
      MessageId.SoftKeyTemplateRes,
      MessageId.SoftKeySetReq,
      MessageId.SoftKeySetRes,
      MessageId.LineStatReq,
      MessageId.TimeDateReq,
      MessageId.LineStat,
      MessageId.DefineTimeDate,
      MessageId.KeepAlive,
      MessageId.KeepAliveAck,
      MessageId.Reset,
      MessageId.Register,
      MessageId.RegisterReject,
    ]);
  });

  it('reads the 68-byte 7940 Register', () => {
    const row = rows.find((r) => r['skinny.DeviceName'][0] === 'SEP001122334455');
    expect(row).toBeDefined();
    expect(row!['skinny.data_length']).toEqual(['72']);
    expect(nums(row!['skinny.hdr_version'])).toEqual([0]);
    expect(nums(row!['skinny.deviceType'])).toEqual([8]);
    expect(row!['skinny.stationIpAddr']).toEqual(['10.0.0.100']);
    expect(nums(row!['skinny.instance'])).toEqual([1]);
    expect(nums(row!['skinny.maxStreams'])).toEqual([5]);
    expect(nums(row!['skinny.protocolVer'])).toEqual([11]);
  });

  it('reads the 124-byte 7941 Register with MAC and firmware load', () => {
    const row = rows.find((r) => r['skinny.DeviceName'][0] === 'SEP001B535CD3D6');
    expect(row).toBeDefined();
    expect(row!['skinny.data_length']).toEqual(['128']);
    expect(nums(row!['skinny.deviceType'])).toEqual([115]);
    expect(nums(row!['skinny.protocolVer'])).toEqual([17]);
    expect(row!['skinny.macAddress']).toEqual(['00:1b:53:5c:d3:d6']);
    expect(nums(row!['skinny.maxNumberOfLines'])).toEqual([2]);
    expect(row!['skinny.firmwareLoadName']).toEqual(['SCCP41.8-5-3S']);
  });

  it('reads RegisterAck: keepalive, date template, agreed version, header version 0', () => {
    const row = segment(MessageId.RegisterAck);
    expect(nums(row['skinny.hdr_version'])).toEqual([0]);
    expect(nums(row['skinny.keepAliveInterval'])).toEqual([30]);
    expect(row['skinny.dateTemplate']).toEqual(['M/D/Y']);
    expect(nums(row['skinny.secondaryKeepAliveInterval'])).toEqual([60]);
    expect(nums(row['skinny.maxProtocolVer'])).toEqual([11]);
  });

  it('reads RegisterReject text cut to 31 characters', () => {
    expect(segment(MessageId.RegisterReject)['skinny.text']).toEqual([REJECT_TEXT.slice(0, 31)]);
  });

  it('reads CapabilitiesReq (empty, V11 header) and CapabilitiesRes', () => {
    const req = segment(MessageId.CapabilitiesReq);
    expect(req['skinny.data_length']).toEqual(['4']);
    expect(nums(req['skinny.hdr_version'])).toEqual([0x0b]);
    const res = segment(MessageId.CapabilitiesRes);
    expect(nums(res['skinny.capCount'])).toEqual([2]);
    expect(nums(res['skinny.payloadCapability'])).toEqual([4, 12]);
    expect(nums(res['skinny.maxFramesPerPacket'])).toEqual([40, 60]);
  });

  it('reads a ButtonTemplate with two line buttons', () => {
    const row = segment(MessageId.ButtonTemplate);
    expect(row['skinny.data_length']).toEqual([String(4 + 12 + 2 * 42)]);
    expect(nums(row['skinny.buttonOffset'])).toEqual([0]);
    expect(nums(row['skinny.buttonCount'])).toEqual([2]);
    expect(nums(row['skinny.totalButtonCount'])).toEqual([2]);
    expect(nums(row['skinny.instanceNumber'])).toEqual([1, 2]);
    expect(nums(row['skinny.buttonDefinition'])).toEqual([0x09, 0x09]);
  });

  it('reads two frames from one TCP segment (LineStatReq + TimeDateReq)', () => {
    const row = segment(MessageId.LineStatReq, MessageId.TimeDateReq);
    expect(row['skinny.data_length']).toEqual(['8', '4']);
    expect(nums(row['skinny.lineNumber'])).toEqual([1]);
  });

  it('reads LineStat with DN 1000', () => {
    const row = segment(MessageId.LineStat);
    expect(nums(row['skinny.lineNumber'])).toEqual([1]);
    expect(row['skinny.lineDirNumber']).toEqual(['1000']);
    expect(row['skinny.lineFullyQualifiedDisplayName']).toEqual(['Reception']);
    expect(row['skinny.lineTextLabel']).toEqual(['1000 - Reception']);
  });

  it('reads DefineTimeDate', () => {
    const row = segment(MessageId.DefineTimeDate);
    expect(nums(row['skinny.wYear'])).toEqual([2026]);
    expect(nums(row['skinny.wMonth'])).toEqual([3]);
    expect(nums(row['skinny.wDayOfWeek'])).toEqual([6]);
    expect(nums(row['skinny.wDay'])).toEqual([14]);
    expect(nums(row['skinny.wHour'])).toEqual([15]);
    expect(nums(row['skinny.wMinute'])).toEqual([9]);
    expect(nums(row['skinny.wSecond'])).toEqual([26]);
    expect(nums(row['skinny.systemTime'])).toEqual([WHEN.getTime() / 1000]);
  });

  it('reads the default SoftKeyTemplateRes: labels and event numbers', () => {
    const row = segment(MessageId.SoftKeyTemplateRes);
    const template = defaultSoftKeyTemplate();
    expect(nums(row['skinny.softKeyCount'])).toEqual([18]);
    expect(nums(row['skinny.totalSoftKeyCount'])).toEqual([18]);
    expect(row['skinny.softKeyLabel']).toEqual(template.softKeys.map((k) => k.label));
    expect(nums(row['skinny.softKeyEvent'])).toEqual(template.softKeys.map((k) => k.event));
  });

  it('reads the default SoftKeySetRes: 12 sets of 16 template and info indices', () => {
    const row = segment(MessageId.SoftKeySetRes);
    const { sets } = defaultSoftKeySets();
    expect(nums(row['skinny.softKeySetCount'])).toEqual([12]);
    expect(nums(row['skinny.totalSoftKeySetCount'])).toEqual([12]);
    const pad = (values: number[]) => [...values, ...Array<number>(16 - values.length).fill(0)];
    expect(nums(row['skinny.softKeyTemplateIndex'])).toEqual(sets.flatMap((s) => pad(s.templateIndex)));
    expect(nums(row['skinny.softKeyInfoIndex'])).toEqual(sets.flatMap((s) => pad(s.infoIndex)));
  });

  it('reads KeepAlive and KeepAliveAck as empty bodies; KeepAliveAck with header version 0', () => {
    expect(segment(MessageId.KeepAlive)['skinny.data_length']).toEqual(['4']);
    const ack = segment(MessageId.KeepAliveAck);
    expect(ack['skinny.data_length']).toEqual(['4']);
    expect(nums(ack['skinny.hdr_version'])).toEqual([0]);
  });

  it('reads Reset with resetType RESTART', () => {
    expect(nums(segment(MessageId.Reset)['skinny.resetType'])).toEqual([2]);
  });
});
