import type { LimitSpec } from './limit.js';

/** Call forwarding (calls.md §4.2): CUCM's service parameters of the same names. */
export const forwardLimits = {
  callForwardNoAnswerSeconds: {
    default: 12,
    min: 1,
    max: 300,
    help: "seconds a DN with Call Forward No Answer rings before the call goes to its target (CUCM's Forward No Answer Timer, 12 s as commonly quoted); the caller keeps hearing ring-back",
  },
  callForwardMaxHops: {
    default: 12,
    min: 1,
    max: 60,
    help: "forwards one call may follow (CUCM's Forward Maximum Hop Count); one more, or a forward back to a DN already reached (a loop), fails the call with reorder (cause 25)",
  },
} satisfies Record<string, LimitSpec>;
