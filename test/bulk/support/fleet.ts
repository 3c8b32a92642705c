import type { TestNode } from '../../support/node.js';
import { eventually } from '../../support/node.js';
import type { PhoneTarget, ScriptedPhoneOptions } from './scripted-phone.js';
import { ScriptedPhone } from './scripted-phone.js';

export function targetOf(t: TestNode): PhoneTarget {
  return {
    host: '127.0.0.1',
    sccpPort: t.node.ports.sccp,
    tftpPort: t.node.ports.tftp as number,
    sipPort: t.node.ports.sip as number,
  };
}

/** Switches auto-registration on for cm1 with the range `from`–`to`. */
export async function enableAutoRegistration(t: TestNode, from = '1000', to = '1999'): Promise<void> {
  const r = await t.api.patch('/nodes/cm1', {
    autoRegistration: { enabled: true, startingDn: from, endingDn: to },
  });
  if (r.status !== 200) throw new Error(`could not enable auto-registration: ${JSON.stringify(r.body)}`);
}

export function mac(n: number, prefix = '00AA'): string {
  return `${prefix}${n
    .toString(16)
    .toUpperCase()
    .padStart(12 - prefix.length, '0')}`;
}

/** Powers on `count` phones on `load` and waits until every one is registered. */
export async function startFleet(
  t: TestNode,
  count: number,
  options: Omit<ScriptedPhoneOptions, 'mac'> & { first?: number; prefix?: string },
): Promise<ScriptedPhone[]> {
  const phones = Array.from(
    { length: count },
    (_, i) =>
      new ScriptedPhone({ ...options, mac: mac((options.first ?? 1) + i, options.prefix) }, targetOf(t)),
  );
  // Power on in waves, as a building does, so that TFTP and SCCP are not hit all at once.
  for (let i = 0; i < phones.length; i += 100)
    await Promise.all(phones.slice(i, i + 100).map((p) => p.start()));
  await eventually(() => phones.every((p) => p.registered), 30_000);
  return phones;
}

export interface JobBody {
  id: string;
  status: string;
  notes: { message: string }[];
  message: string | null;
  progress: { total: number; finished: number; percent: number; counts: Record<string, number> };
}

export interface ItemBody {
  deviceName: string;
  step: string;
  state: string;
  reason: string | null;
  plan: { lines: { index: number; dn: string }[] };
}

/** Waits until the job is over (completed, cancelled or failed) and returns it. */
export function finished(t: TestNode, id: string, timeoutMs = 30_000): Promise<JobBody> {
  return eventually(async () => {
    const r = await t.api.get<JobBody>(`/bulk-jobs/${id}`);
    return ['completed', 'cancelled', 'failed'].includes(r.body.status) ? r.body : null;
  }, timeoutMs) as Promise<JobBody>;
}

export async function items(t: TestNode, id: string): Promise<ItemBody[]> {
  const r = await t.api.get<{ items: ItemBody[] }>(`/bulk-jobs/${id}/items?pageSize=1000`);
  return r.body.items;
}

/** Device name → its lines' DNs, as the API shows them. */
export async function dnsOf(t: TestNode, names: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const name of names) {
    const r = await t.api.get<{ lines: { dn: string }[]; protocol: string }>(`/phones/${name}`);
    map.set(
      name,
      r.body.lines.map((l) => l.dn),
    );
  }
  return map;
}
