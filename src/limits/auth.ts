import type { LimitSpec } from './limit.js';

/** Throttling of failed authentication on every door: sign-in, HTTP Basic, API keys, SIP digest. */
export const authLimits = {
  authFailuresPerAddress: {
    default: 10,
    min: 1,
    max: 10_000,
    help: 'failed authentications from one source address before it must wait (the wait doubles with each further failure, up to 15 minutes); checked before any password is hashed',
  },
  authFailuresPerUserAndAddress: {
    default: 5,
    min: 1,
    max: 1000,
    help: 'failed sign-ins as one user from one source address before that user is locked out from that address (other addresses are not affected)',
  },
  authLockMinutes: {
    default: 5,
    min: 1,
    max: 1440,
    help: 'minutes the first lock-out of a user from an address lasts; each further failure from there doubles it, up to an hour (or this, if longer)',
  },
  authMaxPasswordChecksPerAddress: {
    default: 4,
    min: 1,
    max: 1000,
    help: 'password checks (scrypt, 32 MiB each) one source address may have in progress at once; more are refused at once',
  },
  authMaxPasswordChecks: {
    default: 32,
    min: 1,
    max: 10_000,
    help: 'password checks in progress at once in all; more are refused at once instead of queueing behind each other',
  },
  authMaxSessionsPerUser: {
    default: 100,
    min: 1,
    max: 100_000,
    help: 'open UI sessions per user; signing in beyond it ends the user’s oldest session',
  },
  authMaxApiKeysPerUser: {
    default: 100,
    min: 1,
    max: 100_000,
    help: 'API keys per user; creating one more is refused',
  },
} satisfies Record<string, LimitSpec>;
