/**
 * Random tags, branches and Call-ID parts for the node's SIP messages, cut from one pooled buffer
 * of crypto.randomBytes: a call needs about ten of them, and one randomBytes call per id cost a
 * tenth of the node's CPU in bench:calls. Each id takes fresh bytes (none is reused), so ids are as
 * random as randomBytes itself.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` fresh random bytes as lowercase hex (2 × bytes characters). */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    offset = 0;
  }
  offset += bytes;
  return pool.toString('hex', offset - bytes, offset);
}

/** RFC 3261 §19.3: a tag "MUST be globally unique and cryptographically random with at least 32 bits of randomness"; 48 here. */
export function newTag(): string {
  return randomHex(6);
}

/** RFC 3261 §8.1.1.7: the branch "MUST always begin with the characters "z9hG4bK""; 80 random bits after it. */
export function newBranch(): string {
  return `z9hG4bK${randomHex(10)}`;
}
