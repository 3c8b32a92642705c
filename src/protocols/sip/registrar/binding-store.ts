/**
 * The bindings in memory (Kamailio's usrloc, without a database): per device, per AOR, each
 * Contact with its expiry. Refreshes only touch these objects; expiry runs from per-second
 * buckets, so a refresh costs no timer.
 */
import type { DeviceConnection } from '../../../services/live-registry.js';
import type { SipFlow } from '../transport/flow.js';
import type { StoredCredential } from './credentials.js';

/** A registered device and its bindings. */
export interface DeviceEntry {
  readonly name: string;
  /** Catalogue model of the device as configured (decides check-sync vs service-control). */
  model: string;
  /** What services act on (reset, close); one per device while it has bindings. */
  readonly connection: DeviceConnection;
  readonly bindings: Binding[];
  /**
   * Digest credentials read when the device registered; null when it has none; undefined once they
   * changed (the next REGISTER reads them again).
   */
  credential: StoredCredential | null | undefined;
  /** Call-ID of the most recent registration (NOTIFY service-control's RegisterCallId). */
  registerCallId: string;
  /** The host the phone addressed us as (Request-URI host), for requests we send it. */
  serverHost: string;
}

/** One Contact bound to an AOR for a device (RFC 3261 §10.3). */
export interface Binding {
  readonly device: DeviceEntry;
  /** AOR key: the To URI's user part (a DN, `SEP…`, a user name). */
  readonly aor: string;
  /** The To URI as written, for requests sent to the phone. */
  aorUri: string;
  readonly key: string;
  uri: string;
  /** The Contact as echoed in 200 OK, without `expires`. */
  text: string;
  callId: string;
  cseq: number;
  /** Epoch ms. */
  expiresAt: number;
  q?: number;
  instanceId?: string;
  regId?: number;
  /** The flow the last REGISTER arrived on: where requests to the phone go. */
  flow: SipFlow;
  removed: boolean;
}

/** Bindings of every device, indexed for the registrar's lookups. */
export class BindingStore {
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly byCallId = new Map<string, Binding>();
  /** Bindings whose flow is a connection (TCP, WebSocket), by connection number. */
  private readonly byConnection = new Map<number, Set<Binding>>();
  /** Bindings whose flow is UDP, by the address and port the REGISTER came from (who sent an INVITE). */
  private readonly byUdpSource = new Map<string, Set<Binding>>();
  /** Expiry buckets: second → bindings that may expire in it (stale entries are skipped). */
  private readonly buckets = new Map<number, Binding[]>();
  private lastSwept: number;
  private bindingCount = 0;

  constructor(now: number) {
    this.lastSwept = Math.floor(now / 1000);
  }

  get deviceCount(): number {
    return this.devices.size;
  }

  get size(): number {
    return this.bindingCount;
  }

  device(name: string): DeviceEntry | undefined {
    return this.devices.get(name);
  }

  allDevices(): IterableIterator<DeviceEntry> {
    return this.devices.values();
  }

  /** The binding last registered with `callId` (a phone keeps one Call-ID per line, sip-cisco.md §1.3). */
  withCallId(callId: string): Binding | undefined {
    return this.byCallId.get(callId);
  }

  addDevice(entry: DeviceEntry): void {
    this.devices.set(entry.name, entry);
  }

  /** Forgets a device that has no bindings left. */
  removeDevice(entry: DeviceEntry): void {
    if (this.devices.get(entry.name) === entry) this.devices.delete(entry.name);
  }

  /** Adds a new binding to its device. */
  add(binding: Binding): void {
    binding.device.bindings.push(binding);
    this.bindingCount++;
    this.byCallId.set(binding.callId, binding);
    this.index(binding);
    this.schedule(binding);
  }

  /** The flow a binding's phone is reached through changed (every UDP REGISTER brings its own). */
  setFlow(binding: Binding, flow: SipFlow): void {
    const old = binding.flow;
    if (
      old.connectionId !== flow.connectionId ||
      (flow.connectionId === 0 &&
        (old.remoteAddress !== flow.remoteAddress || old.remotePort !== flow.remotePort))
    ) {
      this.unindex(binding);
      binding.flow = flow;
      this.index(binding);
    } else {
      binding.flow = flow;
    }
  }

  /**
   * The bindings registered through `flow`: its connection (TCP, WebSocket), or for UDP the same
   * source address and port. An index, so that an INVITE from anywhere costs no scan of every device.
   */
  reachedFrom(flow: SipFlow): ReadonlySet<Binding> {
    const set =
      flow.connectionId !== 0
        ? this.byConnection.get(flow.connectionId)
        : this.byUdpSource.get(udpSource(flow));
    return set ?? NO_BINDINGS;
  }

  /** Takes the bindings reached through connection `id` out of the index; the caller removes them. */
  onConnection(id: number): Binding[] {
    const set = this.byConnection.get(id);
    if (set === undefined) return [];
    this.byConnection.delete(id);
    return [...set];
  }

  private index(binding: Binding): void {
    const id = binding.flow.connectionId;
    if (id === 0) addTo(this.byUdpSource, udpSource(binding.flow), binding);
    else addTo(this.byConnection, id, binding);
  }

  private unindex(binding: Binding): void {
    const id = binding.flow.connectionId;
    if (id === 0) deleteFrom(this.byUdpSource, udpSource(binding.flow), binding);
    else deleteFrom(this.byConnection, id, binding);
  }

  /** Records a changed Call-ID or expiry of a binding. */
  updated(binding: Binding, previousCallId: string): void {
    if (previousCallId !== binding.callId) {
      if (this.byCallId.get(previousCallId) === binding) this.byCallId.delete(previousCallId);
      this.byCallId.set(binding.callId, binding);
    }
    this.schedule(binding);
  }

  /** Refreshes a binding's expiry (the hot path). */
  refreshed(binding: Binding): void {
    this.schedule(binding);
  }

  remove(binding: Binding): void {
    if (binding.removed) return;
    binding.removed = true;
    const list = binding.device.bindings;
    const i = list.indexOf(binding);
    if (i >= 0) list.splice(i, 1);
    this.bindingCount--;
    if (this.byCallId.get(binding.callId) === binding) this.byCallId.delete(binding.callId);
    this.unindex(binding);
  }

  private schedule(binding: Binding): void {
    const second = Math.max(Math.ceil(binding.expiresAt / 1000), this.lastSwept + 1);
    const bucket = this.buckets.get(second);
    if (bucket === undefined) this.buckets.set(second, [binding]);
    else if (bucket[bucket.length - 1] !== binding) bucket.push(binding);
  }

  /** The bindings whose expiry has passed at `now`; the caller removes them. */
  expired(now: number): Binding[] {
    const until = Math.floor(now / 1000);
    const out: Binding[] = [];
    if (until <= this.lastSwept) return out;
    const visit = (second: number) => {
      const bucket = this.buckets.get(second);
      if (bucket === undefined) return;
      this.buckets.delete(second);
      for (const b of bucket) {
        if (b.removed) continue;
        if (b.expiresAt <= now) out.push(b);
        // A refresh moved it to a later bucket, where it is already listed.
      }
    };
    if (until - this.lastSwept <= this.buckets.size) {
      for (let s = this.lastSwept + 1; s <= until; s++) visit(s);
    } else {
      // A long jump (a stopped clock in tests, a suspended machine): visit the buckets instead of the seconds.
      for (const s of [...this.buckets.keys()].filter((k) => k <= until).sort((a, b) => a - b)) visit(s);
    }
    this.lastSwept = until;
    return out;
  }
}

const NO_BINDINGS: ReadonlySet<Binding> = new Set();

function udpSource(flow: SipFlow): string {
  return `${flow.remoteAddress}|${flow.remotePort}`;
}

function addTo<K>(index: Map<K, Set<Binding>>, key: K, binding: Binding): void {
  const set = index.get(key);
  if (set === undefined) index.set(key, new Set([binding]));
  else set.add(binding);
}

function deleteFrom<K>(index: Map<K, Set<Binding>>, key: K, binding: Binding): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(binding);
  if (set.size === 0) index.delete(key);
}
