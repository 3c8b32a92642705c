/** Longest name served: no file system holds a longer one (NAME_MAX), and no phone asks for one. */
export const MAX_NAME_LENGTH = 255;

/**
 * Turns the file name a client asked for into a safe relative name, or null when it must be refused.
 * Case is kept: matching case-insensitively is the file source's job.
 */
export function normalizeRequestedName(raw: string): string | null {
  if (raw.length > MAX_NAME_LENGTH) return null;
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

/** A requested name as logs and events show it: a datagram may carry a 64 KB name, a log line need not. */
export function nameForLog(raw: string): string {
  return raw.length <= MAX_NAME_LENGTH ? raw : `${raw.slice(0, 64)}… (${raw.length} characters)`;
}
