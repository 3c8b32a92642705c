import type { PhoneSelection, PhoneSelectionQuery } from '../../core/bulk-job.js';
import { dnInSelectionRange } from '../../core/bulk-job.js';
import type { DeviceDefault } from '../../core/device-defaults.js';
import { loadForDevice } from '../../core/device-defaults.js';
import type { DeviceProtocol } from '../../core/device.js';
import { deviceNameProblem } from '../../core/device.js';
import { directoryNumberProblem } from '../../core/directory-number.js';
import type { FieldProblem } from '../../core/node.js';
import type { DeviceRecord } from '../../store/device-repository.js';
import type { Store } from '../../store/store.js';

/** The most phones one job takes (CUCM's BAT splits larger work into several jobs too). */
export const MAX_JOB_PHONES = 20_000;
const PAGE = 1000;
const FIND_CONCURRENCY = 32;

/** What is wrong with a selection, naming the field; null when it can be used. */
export function selectionProblem(selection: PhoneSelection): FieldProblem | null {
  if ('deviceNames' in selection) {
    const seen = new Map<string, number>();
    for (const [i, name] of selection.deviceNames.entries()) {
      const field = `selection.deviceNames.${i}`;
      const problem = deviceNameProblem(name);
      if (problem) return { field, message: `${problem} (item ${i + 1} of the list)` };
      const first = seen.get(name);
      if (first !== undefined) {
        return {
          field,
          message: `device ${name} is listed twice (items ${first + 1} and ${i + 1}); list each phone once`,
        };
      }
      seen.set(name, i);
    }
    if (selection.deviceNames.length > MAX_JOB_PHONES) {
      return {
        field: 'selection.deviceNames',
        message: `${selection.deviceNames.length} device names listed; a job takes at most ${MAX_JOB_PHONES}: split the list`,
      };
    }
    return null;
  }
  const q = selection.query;
  for (const field of ['dnFrom', 'dnTo'] as const) {
    const dn = q[field];
    if (dn === undefined) continue;
    const problem = directoryNumberProblem(dn);
    if (problem) return { field: `selection.query.${field}`, message: problem };
  }
  if (q.dnFrom !== undefined && q.dnTo !== undefined && BigInt(q.dnFrom) > BigInt(q.dnTo)) {
    return {
      field: 'selection.query.dnTo',
      message: `the DN range ends (${q.dnTo}) before it starts (${q.dnFrom})`,
    };
  }
  return null;
}

/**
 * The devices a selection names: by query, the phones of the source protocol that match every
 * given field; by names, each named device (and the names that do not exist).
 */
export async function selectDevices(
  store: Store,
  selection: PhoneSelection,
  from: DeviceProtocol,
  defaults: DeviceDefault[],
): Promise<{ devices: DeviceRecord[]; missing: string[] }> {
  if ('deviceNames' in selection) {
    const found: (DeviceRecord | null)[] = new Array(selection.deviceNames.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < selection.deviceNames.length) {
        const i = next++;
        found[i] = await store.devices.find(selection.deviceNames[i]);
      }
    };
    await Promise.all(Array.from({ length: FIND_CONCURRENCY }, worker));
    return {
      devices: found.filter((d): d is DeviceRecord => d !== null),
      missing: selection.deviceNames.filter((_, i) => found[i] === null),
    };
  }
  return { devices: await byQuery(store, selection.query, from, defaults), missing: [] };
}

async function byQuery(
  store: Store,
  q: PhoneSelectionQuery,
  from: DeviceProtocol,
  defaults: DeviceDefault[],
): Promise<DeviceRecord[]> {
  const out: DeviceRecord[] = [];
  for (let page = 1; ; page++) {
    const { items } = await store.devices.search({
      protocol: from,
      model: q.model,
      description: q.description,
      node: q.node,
      sort: 'name',
      page,
      pageSize: PAGE,
    });
    for (const d of items) {
      if (matches(d, q, defaults)) out.push(d);
    }
    // One past the cap is enough for the refusal to say the selection is too large.
    if (items.length < PAGE || out.length > MAX_JOB_PHONES) return out;
  }
}

function matches(d: DeviceRecord, q: PhoneSelectionQuery, defaults: DeviceDefault[]): boolean {
  if (
    (q.dnFrom !== undefined || q.dnTo !== undefined) &&
    !d.lines.some((l) => dnInSelectionRange(l.dn, q.dnFrom, q.dnTo))
  ) {
    return false;
  }
  if (q.loadId !== undefined) {
    const running = d.activeLoadId ?? loadForDevice(d, defaults);
    if (!running || running.toLowerCase() !== q.loadId.toLowerCase()) return false;
  }
  return true;
}
