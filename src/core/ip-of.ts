/** The IP part of an address written `ip:port`, `[ipv6]:port`, or a bare IP. */
export function ipOf(address: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracket) return bracket[1];
  const parts = address.split(':');
  return parts.length === 2 ? parts[0] : address;
}
