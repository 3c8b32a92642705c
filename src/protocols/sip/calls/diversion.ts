import type { Redirect } from '../../../core/call/call.js';
import type { LocalEndpoint } from './messages.js';
import { partyAddress } from './messages.js';

/**
 * Diversion headers of a forwarded call (RFC 5806; calls.md §4.2: one per hop, reason
 * unconditional|user-busy|no-answer). The most recent diversion comes first (RFC 5806 §3: each
 * diverting entity adds its own above the others); counter=1 each, one hop per header.
 */
export function diversionHeaders(
  redirects: readonly Redirect[] | undefined,
  local: LocalEndpoint,
): Array<[string, string]> {
  if (!redirects) return [];
  return [...redirects]
    .reverse()
    .map((r) => ['Diversion', `${partyAddress(r.from, local)};reason=${r.reason};counter=1;privacy=off`]);
}

/**
 * The DN a 3xx from a callee points to (a 7940 with its own Call Forward All answers 302 with the
 * target in Contact, calls.md §2.1): the user part of the first Contact's URI, when it is digits.
 */
export function movedToNumber(contact: string | undefined): string | null {
  if (!contact) return null;
  const match = /<?sips?:([^@;>]+)@/i.exec(contact);
  if (!match) return null;
  const user = decodeURIComponent(match[1]);
  return /^[0-9*#]{1,24}$/.test(user) ? user : null;
}
