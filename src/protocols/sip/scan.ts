/**
 * One pass over a message head: start line, header rows (with folding) and where the body
 * starts. Nothing is decoded here except header names; values are decoded on access.
 */
import { type SipParseError, parseError } from './parse-error.js';
import { isTokenChar } from './grammar.js';
import { canonicalHeaderName } from './header-names.js';
import type { FieldRef } from './message.js';

export interface ScannedHead {
  readonly kind: 'head';
  /** Offset of the start line (after any leading CRLFs). */
  readonly start: number;
  /** End of the start line's content (CR/LF excluded). */
  readonly startLineEnd: number;
  readonly fields: FieldRef[];
  readonly index: Map<string, number[]>;
  /** Offset right after the empty line that ends the header section. */
  readonly bodyStart: number;
}

export type ScanResult =
  | ScannedHead
  /** Only CR/LF/SP/HTAB in the buffer. */
  | { readonly kind: 'keepalive' }
  /** The header section has not ended within the buffer. */
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly error: SipParseError };

const CR = 0x0d;
const LF = 0x0a;

function isWsByte(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function error(code: 'bad-header-line' | 'too-many-headers' | 'bad-start-line', message: string): ScanResult {
  return { kind: 'error', error: parseError(code, message) };
}

/**
 * Scan `buf` from offset 0. Lines end in CRLF; a bare LF is tolerated.
 * RFC 3261 §7.5: "Implementations processing SIP messages over stream-oriented transports MUST ignore
 * any CRLF appearing before the start-line".
 */
export function scanHead(buf: Buffer, maxHeaders: number, text?: string): ScanResult {
  const end = buf.length;
  let pos = 0;
  while (pos < end && (buf[pos] === CR || buf[pos] === LF)) pos++;
  let k = pos;
  while (k < end && (buf[k] === CR || buf[k] === LF || isWsByte(buf[k]))) k++;
  if (k === end) return { kind: 'keepalive' };
  const start = pos;
  if (isWsByte(buf[start])) return error('bad-start-line', 'start line begins with whitespace');
  let lf = buf.indexOf(LF, start);
  if (lf < 0) return { kind: 'incomplete' };
  const startLineEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
  let nextCr = buf.indexOf(CR, start);
  if (nextCr < 0) nextCr = end;
  if (nextCr < startLineEnd) return error('bad-start-line', 'bare CR inside the start line');
  const fields: FieldRef[] = [];
  const index = new Map<string, number[]>();
  let current: { name: string; rawName: string; start: number; end: number; folded: boolean } | undefined;
  pos = lf + 1;
  for (;;) {
    lf = buf.indexOf(LF, pos);
    if (lf < 0) return { kind: 'incomplete' };
    const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    if (nextCr < pos) {
      nextCr = buf.indexOf(CR, pos);
      if (nextCr < 0) nextCr = end;
    }
    // RFC 3261 §7: CR and LF appear only as the CRLF that ends a line.
    if (nextCr < lineEnd) return error('bad-header-line', 'bare CR inside a header line');
    if (lineEnd === pos) {
      if (current !== undefined) fields.push(current);
      return { kind: 'head', start, startLineEnd, fields, index, bodyStart: lf + 1 };
    }
    let valueEnd = lineEnd;
    while (valueEnd > pos && isWsByte(buf[valueEnd - 1])) valueEnd--;
    if (isWsByte(buf[pos])) {
      // RFC 3261 §7.3.1: "Header fields can be extended over multiple lines by preceding each extra line
      // with at least one SP or horizontal tab (HT)."
      if (current === undefined) return error('bad-header-line', 'continuation line without a header');
      if (valueEnd > pos) {
        current.end = valueEnd;
        current.folded = true;
      }
    } else {
      if (current !== undefined) fields.push(current);
      let i = pos;
      while (i < lineEnd && isTokenChar(buf[i])) i++;
      const nameEnd = i;
      // RFC 3261 §25.1: HCOLON = *( SP / HTAB ) ":" SWS
      while (i < lineEnd && isWsByte(buf[i])) i++;
      if (nameEnd === pos || buf[i] !== 0x3a) return error('bad-header-line', 'header line without "name:"');
      i++;
      while (i < valueEnd && isWsByte(buf[i])) i++;
      if (fields.length + 1 > maxHeaders) {
        return {
          kind: 'error',
          error: parseError('too-many-headers', `more than ${maxHeaders} header rows`),
        };
      }
      const rawName = text !== undefined ? text.slice(pos, nameEnd) : buf.toString('latin1', pos, nameEnd);
      const name = canonicalHeaderName(rawName);
      const list = index.get(name);
      if (list === undefined) index.set(name, [fields.length]);
      else list.push(fields.length);
      current = { name, rawName, start: i, end: Math.max(i, valueEnd), folded: false };
    }
    pos = lf + 1;
  }
}
