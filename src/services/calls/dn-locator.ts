import type { DeviceProtocol } from '../../core/device.js';
import type { LineAppearance } from '../../core/line-settings.js';

/** One registered device holding a DN, and where. */
export interface DnLocation extends LineAppearance {
  deviceName: string;
  /** The node the device is registered on. */
  node: string;
  /** A phone's protocol, or `trunk`: the DN is on another node, reached over the intra-cluster trunk. */
  protocol: DeviceProtocol | 'trunk';
  /** Line button (1-based) the DN is on. */
  line: number;
  /** The line's name shown to the other party (CUCM: the line's Display), empty when none. */
  displayName: string;
  /** The device is in Do Not Disturb: no call is offered to it (CUCM DND "Call Reject"). */
  dnd: boolean;
}

/**
 * Where routing looks: `cluster` every node (this node's registrations first), `local` this node's
 * own registrations only (a call that came over the intra-cluster trunk: never passed on, no loops).
 */
export type LocatorScope = 'cluster' | 'local';

/**
 * "Where is DN N registered?" — the one question call routing asks. One node answers from its own
 * registrations (RegisteredLines); a cluster answers across nodes (DESIGN.md, Calls; ClusterLocator).
 */
export interface DnLocator {
  /** The registered devices holding `dn`, in line order of registration; empty when none is. */
  devicesFor(dn: string, scope?: LocatorScope): Promise<DnLocation[]>;
}
