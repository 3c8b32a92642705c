import { z } from 'zod';

/**
 * One limit on what a client may hold or cost: a setting with a default, a flag and an OPENUCM_*
 * variable (derived from its key, as for every setting), and a line in README's "Security and
 * limits".
 */
export interface LimitSpec {
  default: number;
  min: number;
  max: number;
  /** What it bounds, for `--help` and README; says what 0 means when 0 is allowed. */
  help: string;
}

/** The zod type of a limit: an integer within its bounds, read from text (flags, environment). */
export function limitSchema(spec: LimitSpec) {
  return z.coerce.number().int().min(spec.min).max(spec.max).default(spec.default);
}
