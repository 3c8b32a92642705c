import os from 'node:os';

/**
 * The address phones are told to register to: the configured one, else the bind address when it
 * is a specific one, else the first non-internal IPv4 address of the machine, else loopback.
 */
export function advertisedAddress(config: { advertiseAddress?: string; bind: string }): string {
  if (config.advertiseAddress) return config.advertiseAddress;
  if (config.bind !== '0.0.0.0' && config.bind !== '::') return config.bind;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
