/**
 * The dial plan as pure functions: internal calls route by exact DN match (calls.md §4.1;
 * partitions and calling search spaces left out). What the digits dialled so far mean depends only
 * on the directory numbers that exist, through this view.
 */
export interface DialPlanView {
  /** Whether `digits` is a directory number. */
  isDirectoryNumber(digits: string): boolean;
  /** Whether some directory number begins with `digits` and is longer. */
  hasLongerThan(digits: string): boolean;
}

/** The key that ends dialling: CUCM routes a pattern ending in # at once, without waiting for T302. */
export const DIAL_COMPLETE = '#';

export type DigitAnalysis =
  /** Route to `dn` now: it matches and nothing longer could. */
  | { kind: 'route'; dn: string }
  /** `dn` matches, but a longer DN could too (100 and 1000): wait for a digit, #, or T302. */
  | { kind: 'could-grow'; dn: string }
  /** Nothing matches yet, but a longer number could: wait for a digit, #, or T302. */
  | { kind: 'more-digits' }
  /** No directory number is or can become these digits: unallocated number (cause 1). */
  | { kind: 'unallocated' };

/** What the digits dialled so far (one key at a time) mean; a trailing # ends dialling. */
export function analyseDigits(digits: string, view: DialPlanView): DigitAnalysis {
  if (digits.endsWith(DIAL_COMPLETE)) return dialComplete(digits, view);
  const exact = view.isDirectoryNumber(digits);
  const longer = digits.length > 0 && view.hasLongerThan(digits);
  if (exact) return longer ? { kind: 'could-grow', dn: digits } : { kind: 'route', dn: digits };
  if (longer || digits.length === 0) return { kind: 'more-digits' };
  return { kind: 'unallocated' };
}

/**
 * Dialling is over (#, T302 expired, or a number sent en bloc): route to an exact match, else
 * unallocated. T302 "routes the dialed digits" (CUCM's parameter help), so 100 rings when 1000
 * also exists and the phone stops after 100.
 */
export function dialComplete(digits: string, view: DialPlanView): DigitAnalysis {
  const dn = digits.endsWith(DIAL_COMPLETE) ? digits.slice(0, -1) : digits;
  return view.isDirectoryNumber(dn) ? { kind: 'route', dn } : { kind: 'unallocated' };
}
