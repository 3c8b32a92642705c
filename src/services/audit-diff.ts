import type { FieldChange } from '../store/audit-repository.js';

const SECRET_FIELD = /password|secret|token|^key$|\.key$/i;
export const HIDDEN = '(hidden)';

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flattens nested objects to dotted paths; arrays and scalars are leaves. */
function flatten(value: Plain | null | undefined, prefix = '', out = new Map<string, unknown>()) {
  if (!value) return out;
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) flatten(v, path, out);
    else if (v !== undefined) out.set(path, v);
  }
  return out;
}

/**
 * The fields that differ between `before` and `after` (null before = created, null after =
 * deleted), with values of secret-looking fields (password, token, key) replaced by "(hidden)".
 */
export function fieldChanges(
  before: Plain | null | undefined,
  after: Plain | null | undefined,
): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const oldValue = a.has(field) ? a.get(field) : null;
    const newValue = b.has(field) ? b.get(field) : null;
    if (JSON.stringify(oldValue) === JSON.stringify(newValue) && !SECRET_FIELD.test(field)) continue;
    if (SECRET_FIELD.test(field)) {
      if (newValue === null && oldValue === null) continue;
      changes.push({ field, old: oldValue === null ? null : HIDDEN, new: newValue === null ? null : HIDDEN });
      continue;
    }
    changes.push({ field, old: oldValue, new: newValue });
  }
  return changes;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One line for the log: "update node cm1: autoRegistration.startingDn 1000 → 2000". */
export function auditSummary(action: string, target: string, name: string, changes: FieldChange[]): string {
  const head = `${action} ${target}${name ? ` ${name}` : ''}`;
  if (changes.length === 0) return head;
  const shown = changes.slice(0, 6).map((c) => `${c.field} ${show(c.old)} → ${show(c.new)}`);
  return `${head}: ${shown.join('; ')}${changes.length > 6 ? `; … (${changes.length - 6} more)` : ''}`;
}
