/**
 * Many simulated phones in one process: consecutive MACs, started at a given rate, counted by
 * state. Several fleets in worker processes make up a large run (fleet-runner.ts).
 */
import { FleetCalls, addCallStats, emptyCallStats } from './fleet-calls.js';
import type { CallStats, FleetCallSpec } from './fleet-calls.js';
import type { CallManagerEntry } from './device-config.js';
import type { PhoneState, PhoneStatus, PhoneTiming } from './phone.js';
import { Phone } from './phone.js';
import { macAt } from './mac.js';
import { simModel } from './sim-models.js';

/** Everything a fleet needs; plain data, so that it can be sent to a worker process. */
export interface FleetSpec {
  /** First MAC (12 hex digits) and how many phones from there. */
  macStart: string;
  offset: number;
  count: number;
  model: string;
  load?: string;
  tftp: { host: string; port: number } | null;
  direct?: { host: string; sccpPort: number; sipPort: number };
  /** The phones' call-manager group when their configuration names none (`--call-managers`). */
  callManagers?: CallManagerEntry[];
  /** Phones powered on per second (0: all at once). */
  rate: number;
  /** Source addresses the phones use, round-robin (the phones' IPs). */
  localAddresses: string[];
  timing?: Partial<PhoneTiming>;
  /** Once registered, the phones call each other in pairs at this rate (fleet-calls.ts). */
  calls?: FleetCallSpec;
}

export const PHONE_STATES: PhoneState[] = [
  'booting',
  'upgrading',
  'registering',
  'registered',
  'rejected',
  'failed',
  'rebooting',
  'stopped',
];

export interface FleetStats {
  total: number;
  started: number;
  byState: Record<PhoneState, number>;
  /** Registrations completed, cumulative (first ones and re-registrations). */
  registrations: number;
  keepaliveAcks: number;
  /** Status-line texts of rejected / failed phones, counted. */
  rejectedReasons: Record<string, number>;
  failedReasons: Record<string, number>;
  calls: CallStats;
  /** Registered phones by the call manager (host:port) they are registered to. */
  byServer: Record<string, number>;
  /** Moves to another call manager (failover, fallback), and RegisterTokenRejects received, cumulative. */
  moves: number;
  tokenRejects: number;
  /** Each phone: where it is and when it last moved (in the final report only). */
  phones?: PhoneSummary[];
}

/** One phone in the final report: where it is registered and when it last moved. */
export interface PhoneSummary {
  device: string;
  state: PhoneState;
  server: string | null;
  moved: PhoneStatus['moved'];
  moves: number;
}

export function emptyStats(total = 0): FleetStats {
  return {
    total,
    started: 0,
    byState: Object.fromEntries(PHONE_STATES.map((s) => [s, 0])) as Record<PhoneState, number>,
    registrations: 0,
    keepaliveAcks: 0,
    rejectedReasons: {},
    failedReasons: {},
    calls: emptyCallStats(),
    byServer: {},
    moves: 0,
    tokenRejects: 0,
  };
}

/** Adds `b` into `a`. */
export function addStats(a: FleetStats, b: FleetStats): FleetStats {
  a.total += b.total;
  a.started += b.started;
  for (const s of PHONE_STATES) a.byState[s] += b.byState[s];
  a.registrations += b.registrations;
  a.keepaliveAcks += b.keepaliveAcks;
  for (const [k, v] of Object.entries(b.rejectedReasons))
    a.rejectedReasons[k] = (a.rejectedReasons[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.failedReasons)) a.failedReasons[k] = (a.failedReasons[k] ?? 0) + v;
  addCallStats(a.calls, b.calls);
  for (const [k, v] of Object.entries(b.byServer)) a.byServer[k] = (a.byServer[k] ?? 0) + v;
  a.moves += b.moves;
  a.tokenRejects += b.tokenRejects;
  if (b.phones) a.phones = [...(a.phones ?? []), ...b.phones];
  return a;
}

export class Fleet {
  private readonly phones: Phone[] = [];
  private readonly states: PhoneState[] = [];
  private readonly counts: Record<PhoneState, number>;
  private readonly rejectedReasons = new Map<string, number>();
  private readonly failedReasons = new Map<string, number>();
  private launcher: NodeJS.Timeout | null = null;
  private readonly calls: FleetCalls | null = null;

  constructor(private readonly spec: FleetSpec) {
    const model = simModel(spec.model);
    if (!model) throw new Error(`unknown phone model ${spec.model}`);
    this.counts = emptyStats().byState;
    for (let i = 0; i < spec.count; i++) {
      const localAddress = spec.localAddresses.length
        ? spec.localAddresses[i % spec.localAddresses.length]
        : undefined;
      const phone = new Phone({
        mac: macAt(spec.macStart, spec.offset + i),
        model,
        load: spec.load,
        tftp: spec.tftp,
        direct: spec.direct,
        callManagers: spec.callManagers,
        localAddress,
        timing: spec.timing,
        // Every phone answers what rings; the fleet's call driver dials.
        calls: spec.calls ? { answer: true } : undefined,
      });
      this.states.push('stopped');
      this.counts.stopped++;
      phone.on('change', (status) => {
        const before = this.states[i];
        if (before !== status.state) {
          this.counts[before]--;
          this.counts[status.state]++;
          this.states[i] = status.state;
        }
        if (status.state === 'rejected') bump(this.rejectedReasons, status.message);
        if (status.state === 'failed') bump(this.failedReasons, status.message);
      });
      this.phones.push(phone);
    }
    if (spec.calls) this.calls = new FleetCalls(this.phones, spec.calls);
  }

  /** Powers the phones on at the spec's rate. */
  start(): void {
    this.calls?.start();
    const { rate } = this.spec;
    let next = 0;
    if (rate <= 0) {
      for (const p of this.phones) p.start();
      return;
    }
    // Start in 10 ms ticks so that a high rate does not need a timer per phone.
    const began = Date.now();
    const tick = () => {
      const due = Math.min(this.phones.length, Math.floor(((Date.now() - began) / 1000) * rate) + 1);
      while (next < due) this.phones[next++].start();
      if (next >= this.phones.length && this.launcher) {
        clearInterval(this.launcher);
        this.launcher = null;
      }
    };
    this.launcher = setInterval(tick, 10);
    tick();
  }

  /** Places no more calls; those under way go on to their end (stats().calls.inProgress reaches 0). */
  stopCalls(): void {
    this.calls?.stopPlacing();
  }

  stop(): void {
    this.calls?.stop();
    if (this.launcher) clearInterval(this.launcher);
    this.launcher = null;
    for (const p of this.phones) p.stop();
  }

  /** Counts; with `detail`, each phone too (the final report). */
  stats(detail = false): FleetStats {
    let registrations = 0;
    let keepaliveAcks = 0;
    let moves = 0;
    let tokenRejects = 0;
    const byServer: Record<string, number> = {};
    for (const p of this.phones) {
      registrations += p.registrations;
      keepaliveAcks += p.keepaliveAcks;
      moves += p.moves;
      tokenRejects += p.tokenRejects;
      const { state, server } = p.snapshot;
      if (state === 'registered' && server) byServer[server] = (byServer[server] ?? 0) + 1;
    }
    return {
      total: this.phones.length,
      started: this.phones.length - this.counts.stopped,
      byState: { ...this.counts },
      registrations,
      keepaliveAcks,
      rejectedReasons: Object.fromEntries(this.rejectedReasons),
      failedReasons: Object.fromEntries(this.failedReasons),
      calls: this.calls?.snapshot() ?? emptyCallStats(),
      byServer,
      moves,
      tokenRejects,
      ...(detail
        ? {
            phones: this.phones.map((p) => ({
              device: p.deviceName,
              state: p.snapshot.state,
              server: p.snapshot.server,
              moved: p.snapshot.moved ?? null,
              moves: p.moves,
            })),
          }
        : {}),
    };
  }

  /** The phones themselves (in-process fleets only). */
  get members(): readonly Phone[] {
    return this.phones;
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
