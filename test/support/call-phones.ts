import pino from 'pino';
import type { LegCommand } from '../../src/core/call/call-command.js';
import type { CallDetailRecord } from '../../src/core/call/cdr.js';
import type { Codec } from '../../src/core/call/codec.js';
import { DirectoryNumberSet } from '../../src/core/call/dn-set.js';
import type { DeviceProtocol } from '../../src/core/device.js';
import { defaultLimits } from '../../src/limits/index.js';
import type { LimitContext, LimitReporter, RefusalSetting } from '../../src/services/limit-log.js';
import type { CallDevice, LegHandle, LegSink, Scheduler } from '../../src/services/calls/call-ports.js';
import type { CallServiceDeps, CallSettings } from '../../src/services/calls/call-service.js';
import { CallService } from '../../src/services/calls/call-service.js';
import { RegisteredLines } from '../../src/services/calls/registered-lines.js';

/** Timers run by hand, and the clock they move (tests never wait for real time). */
export class ManualTime implements Scheduler {
  now = Date.UTC(2024, 0, 15, 9, 0, 0);
  private timers: { at: number; run: () => void; id: number }[] = [];
  private nextId = 1;

  set(ms: number, run: () => void): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.now + ms, run, id });
    return id;
  }

  clear(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Moves the clock on by `ms`, running each timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.run();
    }
    this.now = until;
  }

  get pending(): number {
    return this.timers.length;
  }
}

/**
 * An in-memory phone the call service drives, like an adapter would. An SCCP-like phone answers
 * each open-receive-channel with a new port of its own; a SIP-like one says where it receives in
 * its SDP (the test sends it as a media event).
 */
export class FakePhone implements CallDevice {
  readonly codecs: readonly Codec[];
  readonly solicitedMedia: boolean;
  readonly address: string;
  /** Everything the phone was told, per leg id. */
  readonly told = new Map<number, LegCommand[]>();
  readonly legs: LegHandle[] = [];
  private port = 20000;
  service!: CallService;

  constructor(
    readonly deviceName: string,
    readonly protocol: DeviceProtocol,
    readonly dn: string,
    codecs: Codec[] = ['PCMU', 'PCMA'],
    readonly ip = `10.0.0.${Number.parseInt(deviceName.slice(-2), 16)}`,
  ) {
    this.codecs = protocol === 'SCCP' ? codecs : [];
    this.solicitedMedia = protocol === 'SCCP';
    this.address = this.ip;
  }

  openLeg(leg: LegHandle): LegSink {
    this.legs.push(leg);
    return this.sink(leg);
  }

  sink(leg: LegHandle): LegSink {
    return {
      send: (command) => {
        this.told.set(leg.legId, [...(this.told.get(leg.legId) ?? []), command]);
        if (command.kind === 'open-receive-channel') {
          this.port += 2;
          this.service.send(leg, {
            kind: 'media',
            media: { address: this.ip, port: this.port, codecs: [command.codec], direction: 'sendrecv' },
            offer: false,
          });
        }
      },
    };
  }

  /** Goes off-hook and dials `digits` one key at a time. */
  dial(digits: string): LegHandle {
    // The sink exists before the service numbers the leg: it learns its handle right after.
    const handle: LegHandle = { callId: 0, legId: 0 };
    const result = this.service.offHook({
      deviceName: this.deviceName,
      line: 1,
      party: { number: this.dn, name: `Phone ${this.dn}` },
      sink: this.sink(handle),
    });
    if (result.kind === 'refused') throw new Error(`refused: cause ${result.cause}`);
    Object.assign(handle, result.leg);
    this.legs.push(handle);
    this.told.set(handle.legId, this.told.get(0) ?? []);
    this.told.delete(0);
    for (const digit of digits) this.service.send(handle, { kind: 'digit', digit });
    return handle;
  }

  /** The commands of the phone's last leg, or of `leg`. */
  commands(leg = this.legs.at(-1)): LegCommand[] {
    return leg ? (this.told.get(leg.legId) ?? []) : [];
  }

  kinds(leg = this.legs.at(-1)): string[] {
    return this.commands(leg).map((c) => c.kind);
  }

  /** Where the phone was last told to send RTP. */
  sendingTo(leg = this.legs.at(-1)): string | null {
    const starts = this.commands(leg).filter((c) => c.kind === 'start-media' || c.kind === 'stop-media');
    const last = starts.at(-1);
    return last?.kind === 'start-media' ? `${last.to.address}:${last.to.port}` : null;
  }
}

export class RecordingLimits implements LimitReporter {
  readonly seen: { limit: RefusalSetting; context: LimitContext; message: string }[] = [];

  reached(limit: RefusalSetting, context: LimitContext, message: string): void {
    this.seen.push({ limit, context, message });
  }
}

/** A call service over manual time, with these phones registered and attached. */
export function callNode(
  phones: FakePhone[],
  settings: Partial<CallSettings> = {},
  dns = ['1001', '1002', '1003', '1004', '100', '1000'],
  features: Pick<CallServiceDeps, 'dnFeatures' | 'pickupCodes' | 'music' | 'conferences'> = {},
) {
  const time = new ManualTime();
  const locator = new RegisteredLines('cm1');
  const cdrs: CallDetailRecord[] = [];
  const limits = new RecordingLimits();
  const plan = new DirectoryNumberSet(dns);
  const service = new CallService({
    clock: () => new Date(time.now),
    scheduler: time,
    locator,
    dialPlan: () => plan,
    cdrs: { write: (cdr) => cdrs.push(cdr) },
    limits,
    settings: { ...defaultLimits(), ...settings },
    callManagerId: 1,
    logger: pino({ level: 'silent' }),
    ...features,
  });
  for (const phone of phones) {
    phone.service = service;
    locator.registered({
      deviceName: phone.deviceName,
      protocol: phone.protocol,
      lines: [{ index: 1, dn: phone.dn }],
    });
    service.attach(phone);
  }
  return { service, time, locator, cdrs, limits };
}

/** Lets the DN lookup (a promise) finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/**
 * Three SCCP phones (1001, 1002, 1003): A calls B, B answers, A holds it and calls C, who answers
 * when `answerC` — the first press of Transfer or Confrn. `features` as callNode's.
 */
export async function consultation(answerC: boolean, features: Parameters<typeof callNode>[3] = {}) {
  const sccp = (n: number, dn: string) =>
    new FakePhone(`SEP0000000000${n.toString(16).padStart(2, '0').toUpperCase()}`, 'SCCP', dn);
  const [a, b, c] = [sccp(1, '1001'), sccp(2, '1002'), sccp(3, '1003')];
  const node = callNode([a, b, c], {}, undefined, features);
  const { service } = node;
  const held = a.dial('1002');
  await settle();
  service.send(b.legs[0], { kind: 'answer' });
  service.send(held, { kind: 'hold' });
  const consult = a.dial('1003');
  await settle();
  if (answerC) service.send(c.legs[0], { kind: 'answer' });
  return { a, b, c, held, consult, ...node };
}
