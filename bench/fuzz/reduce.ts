/**
 * Narrows a crash down to the inputs that cause it: the cases that were in flight are replayed
 * against the node, halved while the crash still happens, then the last case's inputs are tried
 * one by one. What the replays cannot narrow further is kept whole.
 */
import type { Finding } from './findings.js';
import type { Random } from './random.js';
import type { Target, TargetName } from './targets.js';

export interface ReplayEnvironment {
  targets: Map<TargetName, Target>;
  rand: Random;
  /** How many times the crash has been seen so far (log lines with its signature, or the node's counter). */
  occurrences(): Promise<number>;
  /** Waits until the node has handled what was sent (the target's liveness probe). */
  settle(target: TargetName): Promise<void>;
}

/** Replays at most this many times per finding. */
const MAX_REPLAYS = 80;

export async function replay(
  env: ReplayEnvironment,
  target: TargetName,
  cases: Buffer[][],
): Promise<boolean> {
  const before = await env.occurrences();
  const spec = env.targets.get(target)!;
  const driver = spec.driver(env.rand);
  const freshen = spec.freshen;
  await driver.open();
  try {
    await driver.deliver(freshen ? cases.map((c) => c.map((i) => freshen(i, env.rand))) : cases);
  } finally {
    await driver.close();
  }
  await env.settle(target).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  return (await env.occurrences()) > before;
}

export async function reduce(finding: Finding, env: ReplayEnvironment): Promise<void> {
  let replays = 0;
  const again = (target: TargetName, cases: Buffer[][]) => {
    replays++;
    return replay(env, target, cases);
  };
  for (const [target, candidates] of finding.candidates) {
    if (replays >= MAX_REPLAYS) return;
    let cases = candidates;
    if (cases.length === 0 || !(await again(target, cases))) continue;
    while (cases.length > 1 && replays < MAX_REPLAYS) {
      const half = Math.ceil(cases.length / 2);
      if (await again(target, cases.slice(0, half))) cases = cases.slice(0, half);
      else if (await again(target, cases.slice(half))) cases = cases.slice(half);
      else break;
    }
    if (cases.length === 1 && cases[0].length > 1) {
      for (const input of cases[0]) {
        if (replays >= MAX_REPLAYS) break;
        if (await again(target, [[input]])) {
          cases = [[input]];
          break;
        }
      }
    }
    finding.reproducer = { target, cases };
    return;
  }
}
