/**
 * Watches the node's error-level lines while the fuzzer runs: each distinct crash (the process
 * guard's line) and each distinct handled error becomes a Finding, with the batches that were in
 * flight when it first happened (the reducer's candidates).
 */
import type { Finding } from './findings.js';
import { signatureOf } from './findings.js';
import type { LoggedError } from './node-under-test.js';
import type { TargetName } from './targets.js';

/** Batches kept per target as candidates when a crash shows up (processing may lag one batch). */
const KEPT_BATCHES = 2;

/** The log line in one line: message, error, URL of a failed request, first frame in our code. */
export function describeError(e: LoggedError): string {
  const detail = e.err?.message && !e.msg.includes(e.err.message) ? `: ${e.err.message}` : '';
  const frames = (e.err?.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  const where = (frames.find((l) => l.includes('/src/')) ?? frames[0] ?? '').trim();
  return `${e.msg}${detail}${e.url ? ` (url ${e.url.slice(0, 200)})` : ''}${where ? ` ${where}` : ''}`;
}

export class CrashWatch {
  /** Errors that escaped every handler, by signature. */
  readonly crashes = new Map<string, Finding>();
  /** Other error-level lines (handled: an HTTP 500, a WebSocket error), by signature. */
  readonly errors = new Map<string, Finding>();
  /** Crashes seen, all occurrences. */
  crashCount = 0;
  private readonly recent = new Map<TargetName, Buffer[][][]>();

  constructor(private readonly log: (line: string) => void) {}

  /** A batch about to be sent: kept as a candidate for the crashes that follow. */
  sending(target: TargetName, batch: Buffer[][]): void {
    const kept = this.recent.get(target) ?? [];
    kept.push(batch);
    if (kept.length > KEPT_BATCHES) kept.shift();
    this.recent.set(target, kept);
  }

  /** An error-level line of the node. */
  logged(e: LoggedError): void {
    if (e.unexpected) this.crashed(signatureOf(e), describeError(e), e.err?.stack);
    else this.note(this.errors, signatureOf(e), describeError(e), e.err?.stack);
  }

  /** A crash known only by its signature (a remote node's counter went up). */
  crashed(signature: string, message: string, stack?: string): void {
    this.crashCount++;
    if (this.note(this.crashes, signature, message, stack))
      this.log(`CRASH (caught by the process guard): ${signature}`);
  }

  /** Counts an occurrence; returns true for the first one of its signature. */
  private note(into: Map<string, Finding>, signature: string, message: string, stack?: string): boolean {
    const known = into.get(signature);
    if (known) {
      known.count++;
      return false;
    }
    const candidates = new Map([...this.recent].map(([t, batches]) => [t, batches.flat()]));
    into.set(signature, { signature, message, stack, count: 1, candidates });
    return true;
  }
}
