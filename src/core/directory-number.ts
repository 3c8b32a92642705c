/** A directory number (DN): the digit string a line answers to. Never rewritten. */
const DN = /^[0-9]{1,24}$/;

export const MAX_DN_LENGTH = 24;

/** Explains why `dn` is not a directory number, or returns null when it is one. */
export function directoryNumberProblem(dn: string): string | null {
  if (dn.length === 0) return 'a directory number cannot be empty';
  if (dn.length > MAX_DN_LENGTH) return `a directory number has at most ${MAX_DN_LENGTH} digits`;
  if (!DN.test(dn)) return `directory number "${dn}" may contain only the digits 0-9`;
  return null;
}
