/**
 * Mutations that know nothing of the protocol: bit flips, bytes set, inserted, deleted or
 * repeated, truncation, and splices of two seeds. Every target mixes them with its grammar-aware
 * ones; they find what the grammar did not think of.
 */
import type { Random } from './random.js';

/** Bytes that mean something to one of the parsers under test (delimiters, escapes, extremes). */
const INTERESTING = Buffer.from([
  0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x3c, 0x3e, 0x25, 0x5c,
  0x40, 0x3d, 0x2f, 0x3f, 0x5b, 0x5d, 0x2a, 0x7b, 0x7d, 0x2e,
]);

/** Largest input a mutation may build: just above the 64 KB UDP and SIP message limits. */
export const MAX_INPUT_BYTES = 70_000;

export type ByteMutation = (rand: Random, input: Buffer, other: Buffer) => Buffer;

const flipBits: ByteMutation = (rand, input) => {
  const out = Buffer.from(input);
  for (let k = rand.range(1, 8); k > 0 && out.length > 0; k--) out[rand.int(out.length)] ^= 1 << rand.int(8);
  return out;
};

const setBytes: ByteMutation = (rand, input) => {
  const out = Buffer.from(input);
  for (let k = rand.range(1, 8); k > 0 && out.length > 0; k--)
    out[rand.int(out.length)] = rand.chance(0.5) ? rand.pick([...INTERESTING]) : rand.int(256);
  return out;
};

const insertBytes: ByteMutation = (rand, input) => {
  const at = rand.int(input.length + 1);
  const inserted = rand.chance(0.5)
    ? rand.bytes(rand.range(1, 32))
    : Buffer.alloc(rand.range(1, 8), rand.pick([...INTERESTING]));
  return Buffer.concat([input.subarray(0, at), inserted, input.subarray(at)]);
};

const deleteBytes: ByteMutation = (rand, input) => {
  const at = rand.int(input.length + 1);
  return Buffer.concat([input.subarray(0, at), input.subarray(at + rand.range(1, 64))]);
};

/** A slice repeated many times: huge values, long runs of one delimiter. */
const repeatSlice: ByteMutation = (rand, input) => {
  const at = rand.int(input.length);
  const slice = input.subarray(at, at + rand.range(1, 40));
  if (slice.length === 0) return input;
  const times = Math.min(rand.pick([2, 10, 100, 1000, 10_000]), Math.floor(MAX_INPUT_BYTES / slice.length));
  return Buffer.concat([
    input.subarray(0, at),
    ...Array.from({ length: times }, () => slice),
    input.subarray(at),
  ]);
};

const truncate: ByteMutation = (rand, input) => input.subarray(0, rand.int(input.length + 1));

/** The head of one seed and the tail of another. */
const splice: ByteMutation = (rand, input, other) =>
  Buffer.concat([input.subarray(0, rand.int(input.length + 1)), other.subarray(rand.int(other.length + 1))]);

const randomBytes: ByteMutation = (rand) => rand.bytes(rand.int(1500));

export const BYTE_MUTATIONS: readonly (readonly [number, ByteMutation])[] = [
  [6, flipBits],
  [6, setBytes],
  [4, insertBytes],
  [4, deleteBytes],
  [2, repeatSlice],
  [3, truncate],
  [3, splice],
  [1, randomBytes],
];

/** Applies one byte mutation, chosen by weight; `other` is another seed, for splices. */
export function mutateBytes(rand: Random, input: Buffer, other: Buffer): Buffer {
  const out = rand.weighted(BYTE_MUTATIONS)(rand, input, other);
  return out.length > MAX_INPUT_BYTES ? out.subarray(0, MAX_INPUT_BYTES) : out;
}
