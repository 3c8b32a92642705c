/**
 * A finished call becomes a Call Detail Record that the API lists and exports: two simulated SCCP
 * phones call each other over real sockets through the node.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CDR_FIELDS } from '../../src/store/cdr-repository.js';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode();
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

interface Cdr {
  id: number;
  node: string;
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
  duration: number;
  origMediaCap_payloadCapability: number;
}

const phone = (n: number, dn: string, autoAnswer = false) =>
  sccpCallPhone(t, `SEP00AD000000${String(n).padStart(2, '0')}`, [dn], closers, { autoAnswer });

const list = async (query = '') =>
  (await t.api.get<{ items: Cdr[] }>(`/call-detail-records${query}`)).body.items;

it('lists and exports the CDR of an answered call and of a call to an unallocated number (at its first digit)', async () => {
  const a = await phone(1, '2101');
  const b = await phone(2, '2102', true);
  const { service } = t.node.calls;

  await a.calls.dial('2102');
  const talking = await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  await a.calls.waitFor((c) => c.sentTo.includes(`127.0.0.1:${talking.rtp?.port}`));
  a.calls.hangUp();
  await a.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  expect(service.activeCalls).toBe(0);

  await a.calls.dial('9');
  await a.calls.waitFor((c) => c.tone === ToneCode.Reorder);
  a.calls.hangUp();

  const [unallocated, answered] = await eventually(async () => {
    const items = await list();
    return items.length === 2 ? items : null;
  });
  expect(answered).toMatchObject({
    node: t.node.config.nodeName,
    callingPartyNumber: '2101',
    finalCalledPartyNumber: '2102',
    origDeviceName: 'SEP00AD00000001',
    destDeviceName: 'SEP00AD00000002',
    origCause_value: 16,
    destCause_value: 0,
    origMediaCap_payloadCapability: 4,
  });
  expect(answered.dateTimeConnect).toBeGreaterThan(0);
  expect(unallocated).toMatchObject({
    originalCalledPartyNumber: '9',
    origCause_value: 1,
    destDeviceName: '',
  });

  expect((await list('?cause=1')).map((r) => r.id)).toEqual([unallocated.id]);
  expect((await list('?device=SEP00AD00000002')).map((r) => r.id)).toEqual([answered.id]);
  expect((await list('?called=2102&calling=2101')).map((r) => r.id)).toEqual([answered.id]);
  expect(await list('?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z')).toEqual([]);
  const refused = await t.api.get<{ field: string; message: string }>('/call-detail-records?from=yesterday');
  expect(refused.status).toBe(400);
  expect(refused.body.message).toContain('from must be an ISO-8601 date and time');

  const csv = await fetch(
    `http://127.0.0.1:${t.node.ports.http}/api/v1/call-detail-records.csv?device=SEP00AD00000002`,
    {
      headers: {
        authorization: `Basic ${Buffer.from('CCMAdministrator:test-password-1').toString('base64')}`,
      },
    },
  );
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const [header, row, end] = (await csv.text()).split('\n');
  expect(header.split(',')).toEqual(CDR_FIELDS);
  const cells = Object.fromEntries(header.split(',').map((name, i) => [name, row.split(',')[i]]));
  expect(cells).toMatchObject({
    callingPartyNumber: '2101',
    destDeviceName: 'SEP00AD00000002',
    origCause_value: '16',
    duration: String(answered.duration),
  });
  expect(end).toBe('');

  const metrics = await (
    await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, {
      headers: {
        authorization: `Basic ${Buffer.from('CCMAdministrator:test-password-1').toString('base64')}`,
      },
    })
  ).text();
  expect(metrics).toContain('openucm_calls_started_total 2');
  expect(metrics).toContain('openucm_calls_connected_total 1');
  expect(metrics).toContain('openucm_calls_failed_total{cause="1"} 1');
  expect(metrics).toContain('openucm_active_calls 0');
});
