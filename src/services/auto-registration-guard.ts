import type { Logger } from 'pino';
import type { AutoRegistrationGuard, NewPhone } from '../core/auto-registration-guard.js';
import { ADMISSION_WINDOW_MS, guardDecision } from '../core/auto-registration-guard.js';
import type { Rejection } from '../core/rejection.js';
import { rejection } from '../core/rejection.js';
import type { PendingAttempt } from '../store/pending-phone-repository.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { LimitReporter } from './limit-log.js';
import type { LiveEvents } from './live-events.js';

export interface GuardServiceDeps {
  store: Store;
  nodeName: string;
  clock: Clock;
  live: LiveEvents;
  logger: Logger;
  limits: LimitReporter;
  /** autoRegistrationMaxPendingPhones: phones waiting for approval in the cluster, at most. */
  maxPendingPhones: number;
}

/** What the guard says to an unknown phone that may otherwise auto-register. */
export type GuardOutcome =
  | {
      kind: 'admit';
      /** An administrator accepted it: its queue entry goes when its device is stored. */
      approved: boolean;
    }
  | { kind: 'refuse'; rejection: Rejection };

/** A queued phone's attempts are written at most this often; those in between are added with the next write. */
const TOUCH_EVERY_MS = 10_000;
/** Queued phones whose unwritten attempts are remembered; beyond, they are forgotten (an attempt count, no more). */
const MAX_TOUCHED = 10_000;

/**
 * Applies a node's auto-registration guard (core/auto-registration-guard) to unknown phones:
 * counts the new phones it admitted in the last minute, and keeps the approval queue (Device >
 * Pending Phones): a held phone is stored as pending before it is told to wait.
 */
export class AutoRegistrationGuardService {
  /** When this node admitted new phones (ms, oldest first) while a rate applies; those before `head` left the window. */
  private admittedAt: number[] = [];
  private head = 0;
  /** When the rate limit was last logged: once a window, not once a phone. */
  private rateLoggedAt = Number.NEGATIVE_INFINITY;
  private readonly touched = new Map<string, { unwritten: number; writtenAt: number }>();

  constructor(private readonly deps: GuardServiceDeps) {}

  /** Decides `phone`'s auto-registration on this node by `guard`. */
  async check(phone: NewPhone, guard: AutoRegistrationGuard): Promise<GuardOutcome> {
    const { store, nodeName, clock } = this.deps;
    const queued = guard.approvalRequired ? await store.pendingPhones.find(phone.deviceName) : null;
    const now = clock().getTime();
    const decision = guardDecision({
      phone,
      guard,
      nodeName,
      approval: queued?.state ?? 'none',
      admittedLastMinute: guard.newPhonesPerMinute > 0 ? this.inWindow(now) : 0,
    });
    switch (decision.kind) {
      case 'admit':
        if (queued?.state === 'accepted') return { kind: 'admit', approved: true };
        this.admitted(now, guard.newPhonesPerMinute);
        return { kind: 'admit', approved: false };
      case 'refuse':
        if (decision.rejection.reason === 'auto-registration-rate') this.rateReached(phone, guard, now);
        return decision;
      case 'hold':
        return this.hold(phone, queued !== null, decision.rejection, new Date(now));
    }
  }

  /** Counts an admission while a rate applies: the slot is taken before the phone is stored. */
  private admitted(now: number, perMinute: number): void {
    if (perMinute === 0) {
      this.admittedAt = [];
      this.head = 0;
      return;
    }
    this.admittedAt.push(now);
  }

  /** Admissions within the window that ends at `now`. */
  private inWindow(now: number): number {
    const times = this.admittedAt;
    while (this.head < times.length && now - times[this.head] >= ADMISSION_WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.admittedAt = times.slice(this.head);
      this.head = 0;
    }
    return this.admittedAt.length - this.head;
  }

  private rateReached(phone: NewPhone, guard: AutoRegistrationGuard, now: number): void {
    if (now - this.rateLoggedAt < ADMISSION_WINDOW_MS) return;
    this.rateLoggedAt = now;
    const { nodeName, logger } = this.deps;
    logger.warn(
      { device: phone.deviceName, address: phone.ip, perMinute: guard.newPhonesPerMinute },
      `auto-registration guard of ${nodeName}: ${guard.newPhonesPerMinute} new phones were admitted within a ` +
        `minute, its limit; further new phones (the first: ${phone.deviceName} from ${phone.ip}) are told to retry ` +
        'later, each with a registration event. During a rollout raise New Phones per Minute on System > Cisco ' +
        `Unified CM > ${nodeName}; otherwise find out where the new phones come from`,
    );
  }

  /** Queues `phone` (or counts its attempt if queued) and tells it to wait; refuses it when the queue is full. */
  private async hold(phone: NewPhone, queued: boolean, wait: Rejection, at: Date): Promise<GuardOutcome> {
    const { store, nodeName, maxPendingPhones, limits, live, logger } = this.deps;
    const attempt: PendingAttempt = {
      deviceName: phone.deviceName,
      model: phone.model,
      protocol: phone.protocol,
      sourceIp: phone.ip,
      node: nodeName,
      at: at.toISOString(),
    };
    if (queued) {
      await this.touch(attempt, at.getTime());
      return { kind: 'refuse', rejection: wait };
    }
    const waiting = await store.pendingPhones.countPending();
    if (waiting >= maxPendingPhones) {
      limits.reached(
        'autoRegistrationMaxPendingPhones',
        { address: phone.ip, device: phone.deviceName },
        `${phone.deviceName} (${phone.model}) from ${phone.ip} could not wait for approval: the queue on Device > ` +
          `Pending Phones is full (${waiting} waiting). Accept or refuse them, or raise --auto-registration-max-pending-phones`,
      );
      return {
        kind: 'refuse',
        rejection: rejection('approval-queue-full', {
          deviceName: phone.deviceName,
          nodeName,
          protocol: phone.protocol,
          announcedModel: phone.model,
          ip: phone.ip,
          queued: waiting,
        }),
      };
    }
    // Durable before the phone is told it waits: the row exists when the page shows it.
    if (await store.pendingPhones.hold(attempt)) {
      logger.info(
        { device: phone.deviceName, address: phone.ip, model: phone.model },
        `${phone.deviceName} (${phone.model}, ${phone.protocol}) from ${phone.ip} waits for approval on Device > Pending Phones`,
      );
      live.emit('pending-phone', {
        deviceName: phone.deviceName,
        state: 'pending',
        node: nodeName,
        at: attempt.at,
      });
    } else {
      await this.touch(attempt, at.getTime());
    }
    return { kind: 'refuse', rejection: wait };
  }

  /** Counts an attempt of a queued phone: written at once, then at most every TOUCH_EVERY_MS. */
  private async touch(attempt: PendingAttempt, now: number): Promise<void> {
    const seen = this.touched.get(attempt.deviceName);
    if (seen && now - seen.writtenAt < TOUCH_EVERY_MS) {
      seen.unwritten++;
      return;
    }
    if (this.touched.size >= MAX_TOUCHED) this.touched.clear();
    this.touched.set(attempt.deviceName, { unwritten: 0, writtenAt: now });
    await this.deps.store.pendingPhones.touch(attempt, 1 + (seen?.unwritten ?? 0));
    this.deps.live.emit('pending-phone', {
      deviceName: attempt.deviceName,
      state: 'pending',
      node: attempt.node,
      at: attempt.at,
    });
  }
}
