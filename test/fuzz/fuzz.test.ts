/**
 * The CI-sized run of `npm run fuzz` (README: Fuzzing): a node started through the CLI takes tens
 * of thousands of mutated SIP, Skinny, TFTP and HTTP inputs on all of its doors at once, and must
 * come out of it as a user would expect: still running, answering on every door, both bystander
 * phones still registered, and no error that escaped every handler.
 */
import { expect, it } from 'vitest';
import { runFuzz } from '../../bench/fuzz/fuzz-run.js';
import { TARGET_NAMES } from '../../bench/fuzz/targets.js';

/** Inputs in all, shared among the seven targets. */
const COUNT = 35_000;
/** A fixed seed: the suite sends the same inputs every time (`npm run fuzz -- --seed` explores others). */
const SEED = Number(process.env.OPENUCM_FUZZ_SEED ?? 20261205);
it('a node fuzzed on every door keeps serving: no exit, no hang, no uncaught error, bystanders registered', async () => {
  const lines: string[] = [];
  const report = await runFuzz({
    targets: [...TARGET_NAMES],
    count: COUNT,
    seed: SEED,
    // Memory is reported, not asserted (it varies with the machine): no rest before reading it.
    settleSeconds: 0,
    log: (line) => lines.push(line),
  });
  const crashes = report.findings.map((f) => `${f.count}× ${f.signature}`);
  const context = `seed ${SEED}\n${lines.join('\n')}\n${crashes.join('\n')}\n${report.nodeTail.join('\n')}`;

  expect(report.nodeExit, context).toBeNull();
  expect(report.failure, context).toBeNull();
  expect(report.unexpectedErrors, context).toBe(0);
  expect(report.bystanders.lost, context).toBeNull();
  expect(report.bystanders.status, context).toEqual({
    SEP00BB57A0D001: 'registered',
    SEP00BB57A0D002: 'registered',
  });
  // Every door took its share and answered: the inputs reached the protocol code, not a closed port.
  for (const target of report.targets) {
    expect(target.inputs, target.target).toBe(COUNT / TARGET_NAMES.length);
    expect(target.answers, target.target).toBeGreaterThan(target.inputs / 20);
    expect(target.probes, target.target).toBeGreaterThan(0);
  }
}, 240_000);
