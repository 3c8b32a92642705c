/**
 * The catalogue of limits: every per-client and overall resource bound of a node, one file per
 * area. Each is a setting (config file, OPENUCM_* variable, flag) with a default.
 */
import { authLimits } from './auth.js';
import { callLimits } from './calls.js';
import { firmwareLimits } from './firmware.js';
import { forwardLimits } from './forward.js';
import { httpLimits } from './http.js';
import type { LimitSpec } from './limit.js';
import { limitSchema } from './limit.js';
import { mediaLimits } from './media.js';
import { registrationLimits } from './registration.js';
import { sccpLimits } from './sccp.js';
import { sipLimits } from './sip.js';
import { storeLimits } from './store.js';
import { provisioningLimits } from './tftp.js';

export const LIMITS = {
  ...sccpLimits,
  ...sipLimits,
  ...provisioningLimits,
  ...httpLimits,
  ...authLimits,
  ...firmwareLimits,
  ...storeLimits,
  ...registrationLimits,
  ...callLimits,
  ...forwardLimits,
  ...mediaLimits,
} satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;
export type Limits = Record<LimitName, number>;

/** zod shape of every limit, merged into the node's config schema. */
export function limitShape(): { [K in LimitName]: ReturnType<typeof limitSchema> } {
  const shape = {} as { [K in LimitName]: ReturnType<typeof limitSchema> };
  for (const [name, spec] of Object.entries(LIMITS) as [LimitName, LimitSpec][])
    shape[name] = limitSchema(spec);
  return shape;
}

/** The defaults, for components built outside a node (tests, benches). */
export function defaultLimits(): Limits {
  const limits = {} as Limits;
  for (const [name, spec] of Object.entries(LIMITS) as [LimitName, LimitSpec][]) limits[name] = spec.default;
  return limits;
}

/** `--sccp-register-timeout-seconds` for `sccpRegisterTimeoutSeconds`. */
export function flagOf(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
