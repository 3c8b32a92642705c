import { describe, expect, it } from 'vitest';
import { ButtonDefinition, decodeButtonTemplate, encodeButtonTemplate } from './button-template.js';

describe('ButtonTemplate (reference §3.7)', () => {
  const twoLines = [
    { instanceNumber: 1, buttonDefinition: ButtonDefinition.Line },
    { instanceNumber: 2, buttonDefinition: ButtonDefinition.Line },
  ];

  it('encodes a 42-slot, 96-byte body; unused slots are {0, 0xFF}', () => {
    const body = encodeButtonTemplate({ buttons: twoLines });
    expect(body).toHaveLength(12 + 2 * 42);
    expect(body.subarray(0, 16).toString('hex')).toBe('00000000' + '02000000' + '02000000' + '0109' + '0209');
    expect(body.subarray(16).toString('hex')).toBe('00ff'.repeat(40));
  });

  it('lets totalButtonCount exceed the buttons given', () => {
    const body = encodeButtonTemplate({ buttons: twoLines, totalButtonCount: 6 });
    expect(body.readUInt32LE(4)).toBe(2);
    expect(body.readUInt32LE(8)).toBe(6);
  });

  it('round-trips', () => {
    const msg = decodeButtonTemplate(encodeButtonTemplate({ buttons: twoLines }));
    expect(msg).toEqual({
      type: 'ButtonTemplate',
      buttonOffset: 0,
      buttonCount: 2,
      totalButtonCount: 2,
      buttons: twoLines,
    });
    expect(encodeButtonTemplate(msg)).toEqual(encodeButtonTemplate({ buttons: twoLines }));
  });

  it('decodes chan-sccp 56-slot templates and truncated bodies without throwing', () => {
    const wide = Buffer.alloc(12 + 2 * 56);
    wide.writeUInt32LE(50, 4);
    expect(decodeButtonTemplate(wide).buttons).toHaveLength(50);
    const short = encodeButtonTemplate({ buttons: twoLines }).subarray(0, 14);
    expect(decodeButtonTemplate(short).buttons).toEqual([twoLines[0]]);
    expect(decodeButtonTemplate(Buffer.alloc(0)).buttons).toEqual([]);
  });

  it('refuses more than 42 buttons', () => {
    const buttons = Array.from({ length: 43 }, (_, i) => ({ instanceNumber: i + 1, buttonDefinition: 2 }));
    expect(() => encodeButtonTemplate({ buttons })).toThrow(RangeError);
  });
});
