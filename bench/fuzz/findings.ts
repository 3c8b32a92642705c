/**
 * A crash the fuzzer found: an error no handler caught (the process guard's log line), or the node
 * exiting, or a probe left unanswered. Errors are told apart by a signature (error type, message
 * with numbers blanked, first frame in openucm's code); each distinct one keeps the inputs that
 * were in flight when it happened, for the reducer to narrow down to one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoggedError } from './node-under-test.js';
import type { TargetName } from './targets.js';

export interface Finding {
  signature: string;
  /** The error as the node logged it. */
  message: string;
  stack?: string;
  /** How many times it happened during the run. */
  count: number;
  /** Cases that were in flight when it first happened, per target. */
  candidates: Map<TargetName, Buffer[][]>;
  /** Set by the reducer: the target and the cases (inputs per flow) that reproduce it on their own. */
  reproducer?: { target: TargetName; cases: Buffer[][] };
  /** Where the reproducer was saved. */
  file?: string;
}

/** The first stack frame in openucm's own code, else the first frame. */
function firstFrame(stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  const ours = frames.find((f) => f.includes('/src/')) ?? frames[0] ?? '';
  return ours
    .trim()
    .replace(/^at /, '')
    .replace(/^.*\/src\//, 'src/');
}

export function signatureOf(error: LoggedError): string {
  const type = error.err?.type ?? 'Error';
  // Identifiers (branches, Call-IDs, addresses, counts) differ from one occurrence to the next.
  const message = (error.err?.message ?? error.msg)
    .slice(0, 300)
    .replace(/[\w.:-]*\d[\w.:-]*/g, '#')
    .replace(/\s+/g, ' ');
  return `${type}: ${message} @ ${firstFrame(error.err?.stack)}`;
}

/** Printable form of an input: latin1 with control bytes escaped, cut to `max` characters. */
export function escapeInput(input: Buffer, max = 600): string {
  let text = '';
  for (const byte of input.subarray(0, max)) {
    if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x5c) text += '\\\\';
    else if (byte < 0x20 || byte >= 0x7f) text += `\\x${byte.toString(16).padStart(2, '0')}`;
    else text += String.fromCharCode(byte);
  }
  return input.length > max ? `${text}… (${input.length} bytes)` : text;
}

/** Saves a reproducer as JSON (`npm run fuzz -- --replay <file>` sends it again). */
export function saveFinding(dir: string, finding: Finding, seed: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const slug = finding.signature
    .replace(/[^A-Za-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
  const file = path.join(dir, `${slug}-seed${seed}.json`);
  const reproducer = finding.reproducer;
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        signature: finding.signature,
        message: finding.message,
        stack: finding.stack,
        seed,
        target: reproducer?.target,
        cases: reproducer?.cases.map((c) =>
          c.map((i) => ({ text: escapeInput(i, 100_000), base64: i.toString('base64') })),
        ),
      },
      null,
      2,
    )}\n`,
  );
  return file;
}

export interface SavedReproducer {
  signature: string;
  target: TargetName;
  cases: Buffer[][];
}

export function loadReproducer(file: string): SavedReproducer {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    signature: string;
    target: TargetName;
    cases: { base64: string }[][];
  };
  return {
    signature: data.signature,
    target: data.target,
    cases: data.cases.map((c) => c.map((i) => Buffer.from(i.base64, 'base64'))),
  };
}
