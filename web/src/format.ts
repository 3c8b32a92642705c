/** Display helpers. */

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
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
