/**
 * Turns the file name a client asked for into a safe relative name, or null when it must be refused.
 * Case is kept: matching case-insensitively is the file source's job.
 */
export function normalizeRequestedName(raw: string): string | null {
  // A NUL cannot be part of a file name on any system we serve from; it only appears in attacks.
  if (raw.includes('\0')) return null;
  // Phones and Windows clients may send "\" as the separator (provisioning fact sheet §1.4).
  const name = raw.replace(/\\/g, '/');
  // "//server/share" (UNC) and "C:..." (drive) name another root; refuse rather than guess.
  if (name.startsWith('//') || /^[A-Za-z]:/.test(name)) return null;
  const segments: string[] = [];
  // Fact sheet §1.4: "strip leading ./ and /, reject .." — "." and empty segments are dropped anywhere.
  for (const segment of name.split('/')) {
    if (segment === '..') return null;
    if (segment !== '' && segment !== '.') segments.push(segment);
  }
  return segments.length > 0 ? segments.join('/') : null;
}
