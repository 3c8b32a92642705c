/** Display helpers. */

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "14:05:30" in the browser's time zone. */
export function clockTime(d: Date): string {
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "0:42", "4:05": a wait in minutes and seconds. */
export function countdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The IP address of an event's `ip:port` or `[ipv6]:port` (the server's ipOf; the UI only reads the API). */
export function hostOf(address: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracket) return bracket[1];
  const parts = address.split(':');
  return parts.length === 2 ? parts[0] : address;
}

export function number(n: number): string {
  return n.toLocaleString('en-US');
}

export function statusLabel(status: string, node?: string | null): string {
  switch (status) {
    case 'registered':
      return node ? `Registered with ${node}` : 'Registered';
    case 'unregistered':
      return 'Unregistered';
    case 'rejected':
      return 'Rejected';
    default:
      return status;
  }
}

export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** 1,234,567 bytes as "1.2 MB". */
export function byteSize(n: number): string {
  if (n < 1024) return `${number(n)} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
