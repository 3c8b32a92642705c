import type { MediaEncryption } from '../../core/call/srtp.js';
import type { LegCommand } from '../../core/call/call-command.js';
import type { CallEvent } from '../../core/call/call-event.js';
import type { Call } from '../../core/call/call.js';
import type { CallDetailRecord } from '../../core/call/cdr.js';
import type { Codec } from '../../core/call/codec.js';
import type { DeviceProtocol } from '../../core/device.js';

/** Where one leg's commands go: the adapter renders each as its protocol's messages. */
export interface LegSink {
  send(command: LegCommand): void;
}

/** Names a leg to its adapter and to the call service. */
export interface LegHandle {
  callId: number;
  legId: number;
}

/** A registered device an adapter serves, as the call service may use it. */
export interface CallDevice {
  deviceName: string;
  /**
   * A phone's protocol, `bridge`: the node's own conference bridge (conference-bridge-port.ts), or
   * `trunk`: another node of the cluster, over the intra-cluster SIP trunk (docs/cluster-calls.md).
   */
  protocol: DeviceProtocol | 'bridge' | 'trunk';
  /** Signalling address (ip or ip:port), for the CDR. */
  address: string | null;
  /** What the phone can receive (SCCP CapabilitiesRes); empty when only its SDP will say (SIP). */
  codecs: readonly Codec[];
  /** The phone reports its receive address only when asked (SCCP). */
  solicitedMedia: boolean;
  /**
   * Calls the device may be part of at once; absent: the node's --call-max-per-device. A trunk
   * counts its own (--trunk-max-calls) and has no per-device limit here.
   */
  maxCalls?: number;
  /** A sink for a leg of a call offered to this device on `line` (an SCCP callReference, a SIP dialog). */
  openLeg(leg: LegHandle, line: number): LegSink;
}

/**
 * Each device's media encryption policy (core/call/srtp.ts), read when it places or is offered a
 * call: its Phone Security Profile's (services/media-encryption-cache.ts). A trunk to another node
 * is never asked: it passes whatever keys the phones exchange, and each node applies its own
 * phones' policies.
 */
export interface MediaEncryptionPolicy {
  of(deviceName: string): MediaEncryption;
  /** A phone attached (registered): its policy is wanted from now on. */
  track?(deviceName: string): void;
  /** The phone detached. */
  untrack?(deviceName: string): void;
}

/** Every device has media encryption off: crypto lines are stripped, RTP/SAVP-only offers refused. */
export const ENCRYPTION_OFF: MediaEncryptionPolicy = { of: () => 'off' };

/**
 * Stores the Call Forward All a user sets or clears from the phone (SCCP CFwdAll soft key), so that
 * it survives a restart, before the phone is told (ForwardStat). The administrator's own changes go
 * through the configuration service.
 */
export interface ForwardSettings {
  /** `by`: the device whose user set it, for the audit log (optional: the DN's devices otherwise). */
  setForwardAll(dn: string, target: string | null, by?: string): Promise<void>;
}

/** Where a finished call's record goes (storage comes next). */
export interface CdrSink {
  write(cdr: CallDetailRecord): void;
}

/**
 * Told of each live call as it changes (started, dialled, rang, answered, held, ended), for the
 * Active Calls view. A call whose state is `released` has ended and is told no more. The call given
 * is the service's own: a watcher reads it and never changes it. A cluster may forward it.
 */
export interface CallWatcher {
  changed(call: Readonly<Call>): void;
}

/** Runs the call timers (T302, ring timeout); tests drive time by hand. */
export interface Scheduler {
  set(ms: number, run: () => void): unknown;
  clear(handle: unknown): void;
}

/** The scheduler of a running node: timers that do not keep the process alive. */
export const timerScheduler: Scheduler = {
  set: (ms, run) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Events an adapter sends for one of its legs (the leg is named by the handle). */
export type LegEvent = DistributiveOmit<
  Extract<
    CallEvent,
    {
      kind:
        | 'digit'
        | 'digits'
        | 'answer'
        | 'media'
        | 'media-failed'
        | 'hold'
        | 'resume'
        | 'busy'
        | 'moved'
        | 'unreachable'
        | 'hang-up'
        | 'pickup-key';
    }
  >,
  'leg'
>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
