import type { LimitSpec } from './limit.js';

/** Limits of the registration service, whichever protocol a phone registers with. */
export const registrationLimits = {
  registrationMaxPending: {
    default: 10_000,
    min: 1,
    max: 1_000_000,
    help: 'registrations being decided at once on a node (waiting for a device lookup or an auto-registration commit); more are told to retry later (SIP 503 with Retry-After, SCCP RegisterReject) without being recorded one by one',
  },
  registrationMaxNameLength: {
    default: 64,
    min: 15,
    max: 1024,
    help: 'characters in the device name or SIP user a registration names; a longer name (or one with characters that cannot be printed) is refused before anything is recorded: counted, not a registration event',
  },
  registrationMaxRefusedNamesPerAddress: {
    default: 100,
    min: 1,
    max: 100_000,
    help: 'device names one source address may have refused for one reason within a minute, each recorded as an event of its own; refusals of further names from it are counted in one event',
  },
  registrationMaxRefusalEventsPerMinute: {
    default: 1000,
    min: 10,
    max: 1_000_000,
    help: 'refusal events a node records per minute in all (many sources at once, or spoofed UDP sources); beyond, further refusals are counted in one event per reason until the minute ends',
  },
  autoRegistrationMaxPendingPhones: {
    default: 1000,
    min: 1,
    max: 1_000_000,
    help: 'unknown phones waiting for approval (Device > Pending Phones) in the cluster while an auto-registration guard requires it; a further new phone is told to retry later (SIP 503, SCCP RegisterReject "Approval queue full") until phones are accepted or refused',
  },
} satisfies Record<string, LimitSpec>;
