import type { LimitSpec } from './limit.js';

/** Limits of the registration service, whichever protocol a phone registers with. */
export const registrationLimits = {
  registrationMaxPending: {
    default: 10_000,
    min: 1,
    max: 1_000_000,
    help: 'registrations being decided at once on a node (waiting for a device lookup or an auto-registration commit); more are told to retry later (SIP 503 with Retry-After, SCCP RegisterReject) without being recorded one by one',
  },
} satisfies Record<string, LimitSpec>;
