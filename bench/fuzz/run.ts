/**
 * `npm run fuzz -- --target all --count 100000 [--seed S] [--node URL --ports … --password …]`
 *
 * Mutated SIP, Skinny, TFTP and HTTP inputs against a node while two bystander phones stay
 * registered; exits 1 when the node exited, stopped answering, lost a bystander or let an error
 * escape every handler. `--replay <file>` sends a saved reproducer again.
 */
import { Command, Option } from 'commander';
import { Bystanders } from './bystanders.js';
import { escapeInput, loadReproducer, signatureOf } from './findings.js';
import { prepareNode } from './fuzz-fixture.js';
import { readMetrics } from './node-api.js';
import type { FuzzReport } from './fuzz-run.js';
import { runFuzz } from './fuzz-run.js';
import { KNOWN_CRASHES } from './known-crashes.js';
import type { NodePorts, NodeUnderTest } from './node-under-test.js';
import { connectToNode, startNodeProcess } from './node-under-test.js';
import { PROBES } from './probes.js';
import { Random } from './random.js';
import { replay } from './reduce.js';
import type { TargetName } from './targets.js';
import { createTarget, isTargetName, TARGET_NAMES } from './targets.js';

const PORT_NAMES: Record<string, keyof NodePorts> = {
  sccp: 'sccp',
  sip: 'sip',
  tftp: 'tftp',
  'provisioning-http': 'provisioningHttp',
};

function parseTargets(value: string): TargetName[] {
  if (value === 'all') return [...TARGET_NAMES];
  const names = value.split(',').map((s) => s.trim());
  for (const n of names)
    if (!isTargetName(n)) throw new Error(`unknown target "${n}": use all or ${TARGET_NAMES.join(', ')}`);
  return names as TargetName[];
}

function parsePorts(value: string | undefined): Partial<NodePorts> {
  const ports: Partial<NodePorts> = {};
  for (const part of value ? value.split(',') : []) {
    const [name, port] = part.split('=');
    const key = PORT_NAMES[name?.trim()];
    if (!key || !/^\d+$/.test(port ?? ''))
      throw new Error(`--ports takes name=port pairs (${Object.keys(PORT_NAMES).join(', ')}), not "${part}"`);
    ports[key] = Number(port);
  }
  return ports;
}

function positive(name: string) {
  return (value: string) => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number, not "${value}"`);
    return n;
  };
}

function printReport(r: FuzzReport): void {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `\nseed ${r.seed}: ${r.inputs} inputs in ${r.seconds.toFixed(1)} s, ${Math.round(r.inputsPerSecond)} inputs/s`,
  );
  console.log(
    `${'target'.padEnd(18)}${pad('inputs', 10)}${pad('answers', 10)}${pad('probes', 8)}  status codes / notes`,
  );
  for (const t of r.targets) {
    const codes = Object.entries(t.statuses)
      .map(([c, n]) => `${c}:${n}`)
      .join(' ');
    const notes = [
      codes,
      t.followUps ? `${t.followUps} transfer answers` : '',
      t.connectFailures ? `${t.connectFailures} connections refused` : '',
      t.excluded ? `${t.excluded} excluded` : '',
    ].filter(Boolean);
    console.log(
      `${t.target.padEnd(18)}${pad(t.inputs, 10)}${pad(t.answers, 10)}${pad(t.probes, 8)}  ${notes.join('; ')}`,
    );
    for (const c of t.serverErrorCases.slice(0, 2))
      console.log(`    a 500 answered: ${c.map((i) => escapeInput(i, 300)).join(' | ')}`);
  }
  const m = r.memory;
  const mb = (v: number | null) => (v === null ? '?' : `${v.toFixed(0)} MB`);
  console.log(`node exits: ${r.nodeExit ? JSON.stringify(r.nodeExit) : 0}`);
  console.log(`crashes (errors no handler caught): ${r.unexpectedErrors}, distinct: ${r.findings.length}`);
  for (const f of r.findings) {
    console.log(`  ${f.count}× ${f.message}\n     ${f.signature}`);
    if (f.reproducer) {
      const [first] = f.reproducer.cases;
      console.log(
        `     reproducer (${f.reproducer.target}): ${escapeInput(first?.[0] ?? Buffer.alloc(0), 400)}`,
      );
    }
    if (f.file) console.log(`     saved: ${f.file}  (npm run fuzz -- --replay ${f.file})`);
  }
  console.log(
    `node RSS: ${mb(m.rssMbBefore)} before, ${mb(m.rssMbAfter)} after (once the node rested); open files ${m.openFilesBefore ?? '?'} → ${m.openFilesAfter ?? '?'}; data directory ${m.dataMbBefore?.toFixed(1) ?? '?'} → ${m.dataMbAfter?.toFixed(1) ?? '?'} MB; event loop blocked up to ${(r.eventLoopLagMaxSeconds * 1000).toFixed(0)} ms`,
  );
  console.log(
    `bystanders: ${r.bystanders.lost ?? 'both stayed registered'} (${r.bystanders.sccpKeepaliveAcks} KeepAliveAcks, ${r.bystanders.sipRefreshes} SIP refreshes; API: ${Object.entries(
      r.bystanders.status,
    )
      .map(([n, s]) => `${n} ${s}`)
      .join(', ')})`,
  );
  if (r.loggedErrors.length > 0) {
    console.log('error-level lines the node logged (handled, but worth a look):');
    for (const e of r.loggedErrors.slice(0, 10)) {
      console.log(`  ${e.count}× ${e.message.slice(0, 300)}`);
      if (e.reproducer)
        console.log(
          `     reproducer (${e.reproducer.target}): ${escapeInput(e.reproducer.cases[0]?.[0] ?? Buffer.alloc(0), 400)}`,
        );
      if (e.file) console.log(`     saved: ${e.file}`);
    }
  }
  if (r.nodeTail.length > 0) console.log(`the node's last lines:\n${r.nodeTail.join('\n')}`);
  console.log(r.ok ? 'OK: the node served throughout' : `FAILED: ${r.failure}`);
}

async function replayFile(file: string, node: NodeUnderTest): Promise<boolean> {
  const saved = loadReproducer(file);
  const fixture = await prepareNode(node);
  const bystanders = await Bystanders.start(node, fixture.bystanders, '127.0.0.1');
  try {
    const target = createTarget(saved.target, { node, fixture, attackerAddresses: ['127.0.0.2'] });
    const targets = new Map([[saved.target, target]]);
    // The saved error by its signature (a crash or a handled error); a remote node has only its counter.
    const count = async () =>
      node.pid
        ? node.errors.filter((e) => signatureOf(e) === saved.signature).length
        : (await readMetrics(node, fixture.readOnlyKey)).unexpectedErrors;
    const reproduced = await replay(
      {
        targets,
        rand: new Random(0, 'replay'),
        occurrences: count,
        settle: (name) => PROBES[name]({ node, fixture, deadlineMs: 15_000 }),
      },
      saved.target,
      saved.cases,
    );
    for (const e of node.errors) console.log(`node: ${e.msg}\n  ${signatureOf(e)}`);
    console.log(
      reproduced
        ? `reproduced: ${saved.signature}`
        : node.exit
          ? `the node exited: ${JSON.stringify(node.exit)}`
          : 'not reproduced: the node handled it',
    );
    return reproduced || node.exit !== null;
  } finally {
    await bystanders.stop();
  }
}

const program = new Command()
  .name('npm run fuzz --')
  .description(
    'Fuzz a node with mutated SIP, Skinny, TFTP and HTTP while two bystander phones stay registered',
  )
  .addOption(
    new Option('--target <names>', `all, or a comma-separated list of ${TARGET_NAMES.join(', ')}`).default(
      'all',
    ),
  )
  .addOption(
    new Option('--count <n>', 'inputs in all, shared among the targets')
      .default(10_000)
      .argParser(positive('--count')),
  )
  .addOption(
    new Option('--seed <n>', 'seed of the inputs (the same seed sends the same inputs)').argParser(
      positive('--seed'),
    ),
  )
  .addOption(
    new Option('--node <url>', 'fuzz a node already running at this HTTP URL (e.g. http://10.0.0.5:8080)'),
  )
  .addOption(
    new Option(
      '--ports <list>',
      'its other ports, e.g. sccp=2000,sip=5060,tftp=69,provisioning-http=6970 (these are the defaults)',
    ),
  )
  .addOption(
    new Option('--password <pw>', 'its CCMAdministrator password (default: $OPENUCM_ADMIN_PASSWORD)'),
  )
  .addOption(
    new Option('--batch <n>', 'inputs per batch of a target; a liveness probe follows each')
      .default(1000)
      .argParser(positive('--batch')),
  )
  .addOption(
    new Option(
      '--exclude <names>',
      `known crash classes not to send: ${KNOWN_CRASHES.map((c) => c.name).join(', ') || '(none known)'}`,
    ),
  )
  .addOption(
    new Option('--findings <dir>', 'where reproducers of crashes are saved').default('bench/results/fuzz'),
  )
  .addOption(
    new Option(
      '--reduce-errors',
      'narrow down handled errors the node logged (HTTP 500s…) as well as crashes',
    ),
  )
  .addOption(
    new Option(
      '--replay <file>',
      'send a saved reproducer to a fresh node (or --node) and say whether the crash happens',
    ),
  )
  .addOption(new Option('--json', 'print the report as JSON as well'));

program.action(async (opts: Record<string, string | number | boolean | undefined>) => {
  const password = (opts.password as string | undefined) ?? process.env.OPENUCM_ADMIN_PASSWORD;
  const remote = opts.node as string | undefined;
  if (remote && !password)
    throw new Error(
      '--node needs --password or OPENUCM_ADMIN_PASSWORD (the fixture is created through the API)',
    );
  if (opts.replay) {
    const node = remote
      ? await connectToNode(remote, parsePorts(opts.ports as string | undefined), password!)
      : await startNodeProcess({ keepaliveSeconds: 5 });
    try {
      process.exitCode = (await replayFile(opts.replay as string, node)) ? 1 : 0;
    } finally {
      await node.stop();
    }
    return;
  }
  const seed = (opts.seed as number | undefined) ?? Math.floor(Math.random() * 2 ** 31);
  const exclude = opts.exclude ? String(opts.exclude).split(',') : [];
  for (const name of exclude)
    if (!KNOWN_CRASHES.some((c) => c.name === name))
      throw new Error(`--exclude: no known crash class "${name}"`);
  console.log(`openucm fuzz: seed ${seed} (repeat with --seed ${seed})`);
  // Ctrl-C ends the run cleanly: the report is printed and the node stopped.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  process.once('SIGTERM', () => interrupt.abort());
  const report = await runFuzz({
    targets: parseTargets(String(opts.target)),
    count: opts.count as number,
    seed,
    node: remote
      ? { url: remote, ports: parsePorts(opts.ports as string | undefined), password: password! }
      : undefined,
    batchInputs: opts.batch as number,
    exclude,
    findingsDir: opts.findings as string,
    reduceLoggedErrors: opts.reduceErrors === true,
    log: (line) => console.log(line),
    signal: interrupt.signal,
  });
  printReport(report);
  if (opts.json)
    console.log(JSON.stringify(report, (k, v: unknown) => (k === 'candidates' ? undefined : v), 2));
  process.exitCode = report.ok ? 0 : 1;
});

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`openucm fuzz: ${(error as Error).message}`);
  process.exitCode = 2;
});
