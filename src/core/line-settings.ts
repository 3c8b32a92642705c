/**
 * Call features of lines, as CUCM's Directory Number Configuration has them (calls.md §4.2, cucm.md):
 * some belong to a device's appearance of a DN (how many calls that button holds), some to the DN
 * itself, whichever device it is on (forwarding, pickup group).
 */

/** One device's appearance of a DN: the line button on that phone. */
export interface LineAppearance {
  /** Calls the line holds at once (CUCM "Maximum Number of Calls"); beyond it a caller is not offered this device. */
  maxCalls: number;
  /** Calls at which the line is busy for a new caller (CUCM "Busy Trigger"); calls in between ring as call waiting. */
  busyTrigger: number;
}

/** The defaults for a line that sets neither (CUCM 7960 lines: 2 calls, busy at 2). */
export const DEFAULT_LINE_APPEARANCE: LineAppearance = { maxCalls: 2, busyTrigger: 2 };

/** A directory number's own call features, shared by every device the DN is on. */
export interface DnFeatures {
  /** Call Forward All: every call goes to this number instead; null when off. */
  forwardAll: string | null;
  /** Call Forward Busy: where a call goes when the line is busy; null when off. */
  forwardBusy: string | null;
  /** Call Forward No Answer: where a call goes when nobody answers in time; null when off. */
  forwardNoAnswer: string | null;
  /**
   * Call Pickup Group the DN is in, named by the group's number (digits, as CUCM's Call Pickup
   * Group Number: GPickUp dials it); null when in none.
   */
  pickupGroup: string | null;
}

export const NO_DN_FEATURES: DnFeatures = {
  forwardAll: null,
  forwardBusy: null,
  forwardNoAnswer: null,
  pickupGroup: null,
};
