/**
 * IPv4 and IPv6 subnets in CIDR notation (RFC 4632, RFC 4291 §2.3), and whether an address lies
 * in one. Pure: addresses are numbers here, no socket library is asked.
 */
export interface Subnet {
  family: 4 | 6;
  /** The network address with the host bits cleared. */
  network: bigint;
  prefix: number;
  /** As the administrator wrote it (the form shown back in messages). */
  text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

function ipv4Value(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some tools and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function ipv6Value(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  // RFC 4291 §2.2 form 3: the last 32 bits written as IPv4 (::ffff:10.1.2.3).
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = ipv4Value(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** The address as a number and its family, or null when `ip` is not an IPv4 or IPv6 address. */
export function parseIp(ip: string): { family: 4 | 6; value: bigint } | null {
  const v4 = ipv4Value(ip);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = ip.includes(':') ? ipv6Value(ip.replace(/%.*$/, '')) : null;
  return v6 === null ? null : { family: 6, value: v6 };
}

/** Why `text` is not a subnet in CIDR notation, or null when it is one. */
export function subnetProblem(text: string): string | null {
  const [address, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || prefix === undefined)
    return `"${text}" is not a subnet: write an address, "/" and a prefix length, e.g. 10.1.0.0/16 or 2001:db8::/32`;
  const ip = parseIp(address);
  if (!ip) return `"${text}" is not a subnet: ${address} is not an IPv4 or IPv6 address`;
  const bits = BITS[ip.family];
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix) || Number(prefix) > bits)
    return `"${text}" is not a subnet: the prefix length of an IPv${ip.family} subnet is 0–${bits}`;
  const host = (1n << BigInt(bits - Number(prefix))) - 1n;
  if ((ip.value & host) !== 0n) {
    const network = formatNetwork(ip.family, ip.value & ~host);
    return `"${text}" has host bits set: the subnet of that prefix is ${network}/${prefix}`;
  }
  return null;
}

/** The subnet `text` names; throws on text that subnetProblem refuses. */
export function parseSubnet(text: string): Subnet {
  const problem = subnetProblem(text);
  if (problem) throw new Error(problem);
  const [address, prefix] = text.split('/');
  const ip = parseIp(address)!;
  return { family: ip.family, network: ip.value, prefix: Number(prefix), text };
}

/**
 * Whether `ip` lies in `subnet`. An IPv4-mapped IPv6 address (::ffff:10.1.2.3, as a dual-stack
 * socket reports an IPv4 peer) is the IPv4 address it maps.
 */
export function inSubnet(ip: string, subnet: Subnet): boolean {
  let parsed = parseIp(ip);
  if (parsed?.family === 6 && parsed.value >> 32n === 0xffffn)
    parsed = { family: 4, value: parsed.value & 0xffffffffn };
  if (!parsed || parsed.family !== subnet.family) return false;
  const shift = BigInt(BITS[subnet.family] - subnet.prefix);
  return parsed.value >> shift === subnet.network >> shift;
}

function formatNetwork(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
