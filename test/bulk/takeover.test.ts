/**
 * One runner per bulk job, and another node takes over when it dies (cluster.md §3.a, target
 * T9): two node processes share one PostgreSQL database; a migration started through n1 is left
 * mid-way by kill -9 of n1; n2 takes the job over once n1's lease runs out and finishes it from
 * the stored items. Every phone is migrated exactly once, and the job names its new runner.
 */
import { afterEach, expect, it } from 'vitest';
import type { ChildNode } from '../support/child-node.js';
import { startChildNode } from '../support/child-node.js';
import type { TestDatabase } from '../support/databases.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { eventually } from '../support/node.js';
import type { ItemBody, JobBody } from './support/fleet.js';
import { mac } from './support/fleet.js';
import type { PhoneTarget } from './support/scripted-phone.js';
import { ScriptedPhone } from './support/scripted-phone.js';

const PHONES = 6;
const LEASE_SECONDS = 3;

type Job = Omit<JobBody, 'notes'> & {
  runner: string | null;
  node: string;
  notes: { at: string; message: string }[];
};

let nodes: ChildNode[] = [];
let phones: ScriptedPhone[] = [];
let database: TestDatabase | null = null;

afterEach(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await Promise.all(nodes.map((n) => n.stop()));
  await database?.drop();
  phones = [];
  nodes = [];
  database = null;
});

const target = (n: ChildNode): PhoneTarget => ({
  host: '127.0.0.1',
  sccpPort: n.ports.sccp,
  tftpPort: n.ports.tftp,
  sipPort: n.ports.sip,
});

async function itemsOf(n: ChildNode, id: string): Promise<ItemBody[]> {
  return (await n.api.get<{ items: ItemBody[] }>(`/bulk-jobs/${id}/items?pageSize=1000`)).body.items;
}

it('a job whose runner was killed (kill -9) is finished by another node: every phone migrated once', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  database = await createPostgresDatabase();
  const flags = (name: string) => [
    '--node-name',
    name,
    '--database-url',
    database!.databaseUrl!,
    '--sccp-workers',
    '0',
    '--bulk-job-lease-seconds',
    String(LEASE_SECONDS),
  ];
  const n1 = await startChildNode(flags('n1'));
  nodes.push(n1);
  const n2 = await startChildNode(flags('n2'));
  nodes.push(n2);
  // Both nodes start with auto-registration on (the default range): n1 registers the phones.

  phones = Array.from(
    { length: PHONES },
    (_, i) => new ScriptedPhone({ mac: mac(i + 1), load: 'P00303020214' }, target(n1)),
  );
  await Promise.all(phones.map((p) => p.start()));
  await eventually(() => phones.every((p) => p.registered), 30_000);
  const names = phones.map((p) => p.deviceName);
  // On n1's Reset the phones go down and stay down until n1 is gone.
  for (const p of phones) p.hold();
  const created = await n1.api.post<Job>('/bulk-jobs', {
    kind: 'migrate-phones',
    direction: 'SCCP_TO_SIP',
    selection: { deviceNames: names },
    stepTimeoutSeconds: 60,
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ node: 'n1', runner: 'n1' });
  const id = created.body.id;
  // Mid-job: n1 reset every phone to take the newer SCCP load and waits for them.
  await eventually(
    async () => (await itemsOf(n1, id)).every((i) => i.step === 'upgrade-sccp-load' && i.state === 'waiting'),
    30_000,
  );
  await eventually(async () => {
    const r = await n1.api.get<{ items: { status: string }[] }>('/phones?protocol=SCCP&pageSize=100');
    return r.body.items.length === PHONES && r.body.items.every((p) => p.status === 'unregistered');
  }, 15_000);

  const exited = new Promise((resolve) => n1.child.once('exit', resolve));
  n1.child.kill('SIGKILL');
  await exited;
  const killedAt = Date.now();
  // The phones fail over to n2, as phones whose node died do.
  for (const p of phones) {
    p.target = target(n2);
    p.letGo();
  }

  const job = await eventually(async () => {
    const r = await n2.api.get<Job>(`/bulk-jobs/${id}`);
    return ['completed', 'cancelled', 'failed'].includes(r.body.status) ? r.body : null;
  }, 90_000);
  const takeover = job.notes.find((n) => n.message.startsWith('taken over by n2'));
  console.info(
    `bulk job taken over ${takeover ? Date.parse(takeover.at) - killedAt : '?'} ms after kill -9 of its runner (lease ${LEASE_SECONDS} s); finished ${Date.now() - killedAt} ms after`,
  );
  expect(job).toMatchObject({
    status: 'completed',
    node: 'n1',
    runner: 'n2',
    progress: { counts: { done: PHONES, failed: 0 } },
  });
  expect(takeover?.message).toBe('taken over by n2: n1 stopped renewing its lease');
  expect((await itemsOf(n2, id)).map((i) => [i.deviceName, i.step, i.state])).toEqual(
    names.map((name) => [name, 'await-registration', 'done']),
  );
  // Each phone switched protocol once (SCCP → SIP, never back) and runs the SIP load.
  for (const p of phones) {
    const protocols = p.registrations.map((r) => r.protocol);
    const switches = protocols.filter((proto, i) => i > 0 && proto !== protocols[i - 1]);
    expect({ phone: p.deviceName, switches }).toEqual({ phone: p.deviceName, switches: ['SIP'] });
    expect(p.registrations.at(-1)).toEqual({ protocol: 'SIP', load: 'P0S3-8-12-00' });
  }
  expect(n2.logs.some((l) => String(l.msg).startsWith(`took over bulk job ${id} from node n1`))).toBe(true);
  expect(n2.unexpected()).toEqual([]);
});
