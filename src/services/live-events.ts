import { EventEmitter } from 'node:events';
import type { CallDetailRecord } from '../core/call/cdr.js';
import type { DeviceStatus } from '../core/device.js';
import type { RegistrationEvent } from '../core/registration-event.js';
import type { BulkJobProgressEvent } from './bulk/progress.js';
import type { ActiveCallChange } from './calls/active-calls.js';

export interface DeviceStatusChange {
  name: string;
  status: DeviceStatus;
  node: string;
  ipAddress: string | null;
  protocol: string;
  model: string;
  at: string;
}

/** A phone entered the approval queue, waited again, was decided or left the queue (`removed`). */
export interface PendingPhoneChange {
  deviceName: string;
  state: 'pending' | 'accepted' | 'refused' | 'removed';
  node: string;
  at: string;
}

/** A node's liveness changed: `down` with the phones shown unregistered, or `up` again. */
export interface NodeLivenessChange {
  node: string;
  state: 'up' | 'down';
  phones: number;
  /** The node that noticed. */
  by: string;
  message: string;
}

interface LiveEventMap {
  /**
   * An event recorded, or a folded refusal's count updated; `attempts` is how many registration
   * attempts this push adds (1 when absent).
   */
  'registration-event': [event: RegistrationEvent, attempts?: number];
  'device-status': [DeviceStatusChange];
  'configuration-changed': [
    {
      what:
        | 'enterprise-parameters'
        | 'node'
        | 'device'
        | 'device-defaults'
        | 'cm-group'
        | 'device-pool'
        | 'security-profile';
      name: string;
    },
  ];
  'bulk-job-progress': [BulkJobProgressEvent];
  'pending-phone': [PendingPhoneChange];
  /** A finished call's record is stored. */
  'call-detail-record': [{ node: string; cdr: CallDetailRecord }];
  /** A live call started, changed state or (ended) is over: Monitoring > Active Calls. */
  'active-call': [ActiveCallChange];
  /** A node of the cluster was declared down (its heartbeat silent) or beats again (docs/cluster.md). */
  'node-liveness': [NodeLivenessChange];
}

/** In-process publish/subscribe of what changed, for the live UI and for tests. */
export class LiveEvents extends EventEmitter<LiveEventMap> {
  constructor() {
    super();
    // Every open browser tab subscribes; the default warning at 10 listeners is noise here.
    this.setMaxListeners(0);
  }
}
