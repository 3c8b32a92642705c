/** MAC addresses of a simulated fleet: 12 upper-case hex digits, consecutive. */

/** Normalizes a MAC given with or without separators; null when it is not 12 hex digits. */
export function normalizeMac(mac: string): string | null {
  const hex = mac.replace(/[:.-]/g, '');
  return /^[0-9A-Fa-f]{12}$/.test(hex) ? hex.toUpperCase() : null;
}

/** `start` + `offset`, as 12 hex digits; throws past FFFFFFFFFFFF. */
export function macAt(start: string, offset: number): string {
  const value = BigInt(`0x${start}`) + BigInt(offset);
  if (value > 0xffffffffffffn) throw new RangeError(`MAC ${start} + ${offset} is past FFFFFFFFFFFF`);
  return value.toString(16).toUpperCase().padStart(12, '0');
}
