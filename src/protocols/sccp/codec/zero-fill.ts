/**
 * Reference §1: shorter bodies than expected are normal (older versions send fewer trailing
 * fields) and read as zeros; longer bodies are normal too and the extra is ignored.
 */

/** `body` if it has at least `size` bytes, else a zero-filled copy of `size` bytes. */
export function zeroFill(body: Buffer, size: number): Buffer {
  if (body.length >= size) return body;
  const filled = Buffer.alloc(size);
  body.copy(filled);
  return filled;
}
