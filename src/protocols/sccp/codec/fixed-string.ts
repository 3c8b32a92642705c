/**
 * Fixed-size char fields: NUL-padded, NUL-terminated when shorter than the field (reference §1).
 * Text is latin1, one byte per character, so the localized-label escapes of reference §3.3 /
 * §3.13 (`\x80` + code) pass through unchanged.
 */

/** Options of {@link writeFixedString}. */
export interface WriteFixedStringOptions {
  /**
   * Keep the last byte of the field a NUL (C string semantics, what chan-sccp's copy does):
   * the text is cut to `size - 1` bytes. Default true. With false the text may fill the field.
   */
  nulTerminated?: boolean;
}

/**
 * Read the text of a char[size] field at `offset`: up to the first NUL or the end of the field.
 * Bytes beyond the end of `buf` read as NUL (short bodies zero-fill), so this never throws.
 */
export function readFixedString(buf: Buffer, offset: number, size: number): string {
  const field = buf.subarray(Math.min(offset, buf.length), Math.min(offset + size, buf.length));
  const nul = field.indexOf(0);
  return field.toString('latin1', 0, nul === -1 ? field.length : nul);
}

/**
 * Write `value` into a char[size] field at `offset`, zero-filling the rest of the field.
 * Text longer than the field is truncated (to `size - 1` bytes unless `nulTerminated: false`).
 */
export function writeFixedString(
  buf: Buffer,
  offset: number,
  size: number,
  value: string,
  opts: WriteFixedStringOptions = {},
): void {
  const room = opts.nulTerminated === false ? size : size - 1;
  buf.fill(0, offset, offset + size);
  buf.write(value.slice(0, room), offset, room, 'latin1');
}
