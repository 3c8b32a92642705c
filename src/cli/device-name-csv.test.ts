import { describe, expect, it } from 'vitest';
import { parseDeviceNameCsv } from './device-name-csv.js';

describe('parseDeviceNameCsv', () => {
  it('reads the first column and skips a header row', () => {
    expect(
      parseDeviceNameCsv('Device Name,Description\nSEP00AA00000001,Lobby\r\nSEP00AA00000002\n\n'),
    ).toEqual({
      names: ['SEP00AA00000001', 'SEP00AA00000002'],
      problems: [],
    });
    expect(parseDeviceNameCsv('\uFEFFSEP00AA00000001\n').names).toEqual(['SEP00AA00000001']);
  });

  it('lists every problem with its line and rewrites nothing', () => {
    const { problems } = parseDeviceNameCsv(
      'DEVICE NAME\nSEP00aa00000001\nSEP00AA00000002\nSEP00AA00000002\n,x\nPHONE1\n',
    );
    expect(problems).toEqual([
      'line 2: device name "SEP00aa00000001" must use upper-case hex digits (SEP00AA00000001)',
      'line 4: SEP00AA00000002 is already on line 3; list each phone once',
      'line 5: the first column is empty; it must hold a device name (SEP + 12 hex digits)',
      'line 6: device name "PHONE1" must start with SEP followed by the 12-digit MAC',
    ]);
  });

  it('refuses an empty file and a broken one', () => {
    expect(parseDeviceNameCsv('').problems).toEqual(['the file lists no device name']);
    expect(parseDeviceNameCsv('"SEP00AA00000001\n').problems[0]).toContain('not a readable CSV file');
  });
});
