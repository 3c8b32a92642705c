import type { CallDiagnosis, CalledDevice } from '../../core/call-diagnosis.js';
import { diagnoseCall } from '../../core/call-diagnosis.js';
import type { Codec } from '../../core/call/codec.js';
import type { Limits } from '../../limits/index.js';
import type { StoredCallDetailRecord } from '../../store/cdr-repository.js';
import type { Store } from '../../store/store.js';
import type { StatusWriter } from '../status-writer.js';
import type { ActiveCalls } from './active-calls.js';

/** Rows of the DN lookup: a DN shared by more phones than this is listed by its first ones. */
const MAX_HOLDERS = 50;

/** "Why did this call fail?": gathers the facts and lets core/call-diagnosis walk them. */
export class CallDiagnosisService {
  constructor(
    private readonly deps: {
      store: Store;
      statusWriter: Pick<StatusWriter, 'settled'>;
      active: Pick<ActiveCalls, 'list' | 'endedCall'>;
      /** The devices adapters attached to this node's call service. */
      attached: (deviceName: string) => { codecs: readonly Codec[] } | undefined;
      settings: Pick<Limits, 'callMaxPerDevice' | 'callForwardMaxHops'>;
      nodeName: string;
    },
  ) {}

  /** The call of one CDR (by row id); null when there is no such record. */
  async forRecord(id: number): Promise<CallDiagnosis | null> {
    await this.deps.statusWriter.settled();
    const cdr = await this.deps.store.cdrs.get(id);
    if (!cdr) return null;
    const called = (cdr.finalCalledPartyNumber || cdr.originalCalledPartyNumber).replace(/#$/, '');
    return this.diagnose(cdr.callingPartyNumber, called, cdr);
  }

  /** The newest call from `calling` to `called`, or what a call would meet now if none is recorded. */
  async forNumbers(calling: string, called: string): Promise<CallDiagnosis> {
    await this.deps.statusWriter.settled();
    const dialled = called.replace(/#$/, '');
    const [cdr] = await this.deps.store.cdrs.list({
      callingNumber: calling || undefined,
      calledNumber: dialled,
      limit: 1,
    });
    return this.diagnose(calling, dialled, cdr ?? null);
  }

  private async diagnose(
    calling: string,
    called: string,
    cdr: StoredCallDetailRecord | null,
  ): Promise<CallDiagnosis> {
    const { store, active, settings, nodeName } = this.deps;
    const { items } = await store.devices.listDirectoryNumbers({ dn: called, limit: MAX_HOLDERS, offset: 0 });
    // Sorted by length first: the DN itself comes before the longer ones that contain it.
    const rows = items.filter((row) => row.dn === called);
    const names = rows.flatMap((row) => (row.deviceName ? [row.deviceName] : []));
    const [devices, events, features] = await Promise.all([
      store.devices.findMany(names),
      Promise.all(names.map((deviceName) => store.events.list({ deviceName, limit: 1 }))),
      store.lineSettings.allDnFeatures(),
    ]);
    const calls = new Map<string, number>();
    for (const call of active.list())
      for (const leg of call.legs)
        if (leg.state !== 'released') calls.set(leg.deviceName, (calls.get(leg.deviceName) ?? 0) + 1);
    const calledDevices = names.map((deviceName, i): CalledDevice => {
      const device = devices.get(deviceName);
      return {
        deviceName,
        status: device?.status ?? 'unregistered',
        node: device?.node ?? null,
        lastEvent: events[i][0] ?? null,
        calls: calls.get(deviceName) ?? 0,
        codecs: this.deps.attached(deviceName)?.codecs ?? [],
      };
    });
    const remembered =
      cdr?.node === nodeName ? active.endedCall(cdr.globalCallID_callId, cdr.dateTimeOrigination) : undefined;
    return diagnoseCall({
      calling,
      called,
      cdr,
      calledConfigured: rows.length > 0,
      calledDevices,
      maxCallsPerDevice: settings.callMaxPerDevice,
      media: remembered?.legs ?? null,
      forwards: { features, maxHops: settings.callForwardMaxHops },
    });
  }
}
