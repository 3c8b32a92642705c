import { describe, expect, it } from 'vitest';
import { readFixedString, writeFixedString } from './fixed-string.js';

describe('fixed strings', () => {
  it('reads up to the first NUL', () => {
    expect(readFixedString(Buffer.from('1000\0\0junk', 'latin1'), 0, 10)).toBe('1000');
  });

  it('reads a field that fills its size without a NUL', () => {
    expect(readFixedString(Buffer.from('ABCDEFGH', 'latin1'), 2, 4)).toBe('CDEF');
  });

  it('reads bytes beyond the buffer as NUL (zero-fill)', () => {
    expect(readFixedString(Buffer.from('AB', 'latin1'), 0, 16)).toBe('AB');
    expect(readFixedString(Buffer.from('AB', 'latin1'), 8, 16)).toBe('');
  });

  it('writes NUL-padded text and clears the rest of the field', () => {
    const buf = Buffer.alloc(8, 0xee);
    writeFixedString(buf, 1, 6, 'M/D/Y');
    expect([...buf]).toEqual([0xee, 0x4d, 0x2f, 0x44, 0x2f, 0x59, 0x00, 0xee]);
  });

  it('truncates to size - 1 and keeps a NUL by default', () => {
    const buf = Buffer.alloc(4);
    writeFixedString(buf, 0, 4, 'ABCDEFG');
    expect(buf.toString('latin1')).toBe('ABC\0');
  });

  it('may fill the whole field when nulTerminated is false', () => {
    const buf = Buffer.alloc(4);
    writeFixedString(buf, 0, 4, 'ABCDEFG', { nulTerminated: false });
    expect(buf.toString('latin1')).toBe('ABCD');
  });

  it('passes latin1 bytes such as the 0x80 label escape through unchanged', () => {
    const buf = Buffer.alloc(4);
    writeFixedString(buf, 0, 4, '\x80\x2f');
    expect([...buf]).toEqual([0x80, 0x2f, 0, 0]);
    expect(readFixedString(buf, 0, 4)).toBe('\x80\x2f');
  });
});
