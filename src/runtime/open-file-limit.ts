import fs from 'node:fs';

/**
 * The open-file limit of this process (soft RLIMIT_NOFILE; Node raises it to the hard limit when
 * it starts, and child processes inherit it), or null where the system does not say (no /proc).
 */
export function openFileLimit(): number | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
  const match = /^Max open files\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}
