import type { LimitSpec } from './limit.js';

/** Limits of the call service (src/services/calls/): how many calls a phone and a node hold, and for how long. */
export const callLimits = {
  callMaxActive: {
    default: 20_000,
    min: 1,
    max: 1_000_000,
    help: 'calls a node holds at once (being dialled, ringing, talking or on hold); a phone that starts one more hears reorder and "Temp Fail" (SIP 503), cause 34',
  },
  callMaxPerDevice: {
    default: 4,
    min: 1,
    max: 200,
    help: "calls one device may be part of at once (CUCM's Maximum Number of Calls per line defaults to 4); a call to its DN finds it busy (cause 17, SIP 486) unless another device on the DN is free, and it cannot start one more (cause 34, SIP 503)",
  },
  trunkMaxCalls: {
    default: 1000,
    min: 1,
    max: 100_000,
    help: 'calls at once between this node and each other node of the cluster, each way (the intra-cluster SIP trunk); one more to that node fails with cause 34 (the caller hears reorder), one more from it gets SIP 503',
  },
  callT302Milliseconds: {
    default: 15_000,
    min: 3000,
    max: 75_000,
    help: "inter-digit timer (CUCM's T302 Timer, same default and range): milliseconds a dialling phone may pause before what it dialled is routed; an exact DN then rings, anything else gets reorder (unallocated number, cause 1). # routes at once",
  },
  callRingTimeoutSeconds: {
    default: 180,
    min: 0,
    max: 3600,
    help: 'seconds a call may ring unanswered before it is cleared (no answer, cause 19, SIP 480); 0: rings until the caller hangs up',
  },
} satisfies Record<string, LimitSpec>;
