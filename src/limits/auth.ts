import type { LimitSpec } from './limit.js';

/** Throttling of failed authentication on every door: sign-in, HTTP Basic, API keys, SIP digest. */
export const authLimits = {
  authFailuresPerAddress: {
    default: 10,
    min: 1,
    max: 10_000,
    help: 'failed authentications from one source address before it must wait (the wait doubles with each further failure, up to 15 minutes); checked before any password is hashed',
  },
} satisfies Record<string, LimitSpec>;
