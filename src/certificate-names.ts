import os from 'node:os';
import { advertisedAddress } from './network.js';

/**
 * The names a certificate the node makes for itself carries (subjectAltName): the machine's host
 * name, `localhost`, the address phones and browsers are told, the bind address when it is a
 * specific one, and the loopback addresses the listeners answer on.
 */
export function certificateNames(config: { bind: string; advertiseAddress?: string }): string[] {
  const names = [os.hostname(), 'localhost', advertisedAddress(config)];
  const wildcard = config.bind === '0.0.0.0' || config.bind === '::';
  if (!wildcard) names.push(config.bind);
  if (config.bind === '0.0.0.0' || config.bind === '::' || config.bind === '127.0.0.1')
    names.push('127.0.0.1');
  if (config.bind === '::' || config.bind === '::1') names.push('::1');
  return [...new Set(names.filter((n) => n !== ''))];
}
