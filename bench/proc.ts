/** Readings of a process tree from /proc: memory and CPU time. */
import { readFileSync, readdirSync } from 'node:fs';

/** The processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** A `field: N kB` line of /proc/<pid>/<file> (status, smaps_rollup), 0 once the process is gone. */
export function kb(pid: number, file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Memory of a process tree in MB: RSS and PSS (proportional set size: shared pages divided among the
 * processes that map them, so Kamailio's shared-memory children are not counted several times).
 */
export function treeMemory(pid: number): { rssMb: number; pssMb: number; processes: number } {
  const pids = [pid, ...childrenOf(pid)];
  let rss = 0;
  let pss = 0;
  for (const p of pids) {
    rss += kb(p, 'status', 'VmRSS');
    pss += kb(p, 'smaps_rollup', 'Pss');
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024, processes: pids.length };
}

/** User + system CPU seconds a process has used (all its threads), 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (index 11, 12 after the command).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and its children (Kamailio's workers, openucm's SCCP workers). */
export function treeCpuSeconds(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((sum, p) => sum + cpuSeconds(p), 0);
}
