import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ipOf } from '../core/ip-of.js';
import type { RegistrationRequest } from '../core/registration.js';
import type { RegistrationEvent } from '../core/registration-event.js';
import { rejectedEvent, repeatedEvent, unrecordableName } from '../core/registration-event.js';
import type { Rejection } from '../core/rejection.js';
import type { RepeatKind, RepeatReport } from '../core/repeat-windows.js';
import { RepeatWindows } from '../core/repeat-windows.js';
import type { Clock } from './clock.js';
import type { LimitReporter } from './limit-log.js';
import type { LiveEvents } from './live-events.js';
import type { StatusWriter } from './status-writer.js';

export interface RefusalLogDeps {
  statusWriter: Pick<StatusWriter, 'event'>;
  live: LiveEvents;
  logger: Logger;
  limits: LimitReporter;
  clock: Clock;
  nodeName: string;
  /** registrationMaxNameLength: longer names are refused unrecorded. */
  maxNameLength: number;
  /** registrationMaxRefusedNamesPerAddress: names with an event of their own per source and reason per window. */
  maxNamesPerAddress: number;
  /** registrationMaxRefusalEventsPerMinute: events recorded per minute in all. */
  maxEventsPerMinute: number;
}

/** Identical refusals (same device name, reason and source IP) within this time are one event. */
export const REFUSAL_WINDOW_MS = 60_000;
/** A repeating refusal's count reaches the database and the live UI at most this often. */
const REPORT_EVERY_MS = 5_000;
/** Refusals folded at once, at most; beyond, the oldest window is closed early (it costs a new event). */
const MAX_OPEN_WINDOWS = 10_000;

/**
 * Records refused registrations so that a flood of them stays cheap: a name that cannot be a
 * device's is refused unrecorded (counted as a limit); identical refusals within a minute are one
 * registration event whose count and last time are updated every few seconds (one event, one live
 * push, one log line when it opens, one with the count when it closes); a source refused for more
 * names than it may have events of their own shares one event for the rest. Every adapter's
 * refusals come here, whether the registration service or the adapter decided them.
 */
export class RefusalLog {
  private readonly windows: RepeatWindows<RegistrationEvent>;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RefusalLogDeps) {
    this.windows = new RepeatWindows({
      windowMs: REFUSAL_WINDOW_MS,
      reportEveryMs: REPORT_EVERY_MS,
      maxOpen: MAX_OPEN_WINDOWS,
      maxKeysPerGroup: deps.maxNamesPerAddress,
      maxOpenedPerWindow: deps.maxEventsPerMinute,
    });
  }

  /** Whether a refusal naming `name` would be recorded (false: refused unrecorded, counted as a limit). */
  recordable(name: string): boolean {
    return unrecordableName(name, this.deps.maxNameLength) === null;
  }

  /** Records that `request` was refused with `r`. */
  rejected(request: RegistrationRequest, r: Rejection): void {
    const { limits, clock, maxNameLength } = this.deps;
    const ip = ipOf(request.address);
    const problem = unrecordableName(request.deviceName, maxNameLength);
    if (problem !== null) {
      limits.reached(
        'registrationMaxNameLength',
        { address: ip },
        `refused a ${request.protocol} registration from ${ip} without recording it: it named ${problem}, ` +
          'which no device or SIP user has (--registration-max-name-length)',
      );
      return;
    }
    const now = clock();
    const { opened, window } = this.windows.note(
      `${r.reason}\u0000${ip}\u0000${request.deviceName}`,
      { group: `${r.reason}\u0000${ip}`, crowd: r.reason },
      now.getTime(),
      (kind) => this.firstEvent(request, r, now, ip, kind),
    );
    if (!opened) return;
    const event = window.data;
    this.deps.statusWriter.event(event);
    this.deps.live.emit('registration-event', event);
    this.deps.logger.warn(
      { device: event.deviceName, address: request.address, reason: r.reason },
      `registration rejected: ${event.message}. Remedy: ${event.remedy}`,
    );
    if (window.kind === 'group') {
      limits.reached(
        'registrationMaxRefusedNamesPerAddress',
        { address: ip },
        `${ip} was refused (${r.reason}) for more than ${this.deps.maxNamesPerAddress} device names within a ` +
          'minute; refusals of further names from it are counted in one registration event ' +
          '(--registration-max-refused-names-per-address)',
      );
    } else if (window.kind === 'crowd') {
      limits.reached(
        'registrationMaxRefusalEventsPerMinute',
        {},
        `recorded ${this.deps.maxEventsPerMinute} refusal events within a minute; further refusals (${r.reason}) ` +
          'are counted in one registration event until the minute ends (--registration-max-refusal-events-per-minute)',
      );
    }
  }

  /** Reports the folded refusals' counts every second until `stop`. */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** Reports every count not reported yet (before the node's last write). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.report(this.windows.drain());
  }

  /** Reports what is due at the clock's time now (the timer does this every second). */
  tick(): void {
    this.report(this.windows.due(this.deps.clock().getTime()));
  }

  private report(reports: RepeatReport<RegistrationEvent>[]): void {
    const { statusWriter, live, logger } = this.deps;
    for (const { window, added, closed } of reports) {
      const event = repeatedEvent(window.data, window.count, new Date(window.lastAt));
      if (added > 0) {
        statusWriter.event(event);
        live.emit('registration-event', event, added);
      }
      if (closed) {
        const seconds = Math.max(1, Math.round((window.lastAt - window.openedAt) / 1000));
        const what =
          window.kind === 'own'
            ? event.deviceName
            : window.kind === 'group'
              ? `registrations of further device names from ${ipOf(event.address)}`
              : 'registrations beyond the refusal events a minute may record, from any address';
        logger.warn(
          { device: event.deviceName, address: event.address, reason: event.reason, count: window.count },
          `registration rejected ${window.count} times in ${seconds} s (${event.reason}): ${what}; one registration event with its count`,
        );
      }
    }
  }

  private firstEvent(
    request: RegistrationRequest,
    r: Rejection,
    at: Date,
    ip: string,
    kind: RepeatKind,
  ): RegistrationEvent {
    const where = {
      at,
      deviceName: request.deviceName,
      protocol: request.protocol,
      address: request.address,
      node: this.deps.nodeName,
    };
    if (kind === 'own') return rejectedEvent(where, r, randomUUID());
    if (kind === 'crowd') {
      const crowd = {
        ...r,
        message:
          `more than ${this.deps.maxEventsPerMinute} refusal events within a minute on ${this.deps.nodeName}: ` +
          `further refusals (${r.reason}), from any address, are counted in this event. The first of them, ` +
          `from ${ip}: ${r.message}`,
        remedy:
          'Many addresses are being refused at once: look at Registration Events and the dashboard for the ' +
          `sources; a flood from addresses you do not know is an attack (block it at the firewall). Otherwise: ${r.remedy}`,
      };
      return rejectedEvent(where, crowd, randomUUID());
    }
    const scan = {
      ...r,
      message:
        `${ip} was refused (${r.reason}) for more than ${this.deps.maxNamesPerAddress} device names within a ` +
        `minute; its refusals for further names are counted in this event. The first of them: ${r.message}`,
      remedy:
        `If these are not your phones, something at ${ip} is trying names (a scan): block it at the firewall. ` +
        `Otherwise: ${r.remedy}`,
    };
    return rejectedEvent(where, scan, randomUUID());
  }
}
