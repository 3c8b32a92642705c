import type { CallDetailRecord } from './call/cdr.js';
import type { CallCheck } from './call-check.js';
import type { DnFeatures } from './line-settings.js';

/** What the troubleshooter knows of forwards: the DNs' settings now, and the hop limit. */
export interface ForwardFacts {
  /** DNs with a forward or pickup group set (the others have none). */
  features: ReadonlyMap<string, DnFeatures>;
  /** --call-forward-max-hops. */
  maxHops: number;
}

/** The Forward All chain from `dn` as set now: each DN reached, and whether it loops or passes the hop limit. */
export function forwardAllChain(
  dn: string,
  facts: ForwardFacts,
): { dns: string[]; stop: 'loop' | 'hop-limit' | null } {
  const dns = [dn];
  for (;;) {
    const next = facts.features.get(dns[dns.length - 1])?.forwardAll;
    if (!next) return { dns, stop: null };
    if (dns.includes(next)) return { dns: [...dns, next], stop: 'loop' };
    dns.push(next);
    if (dns.length - 1 > facts.maxHops) return { dns, stop: 'hop-limit' };
  }
}

const FIX = (dn: string) =>
  `Change the Call Forward All of ${dn} (Call Routing > Directory Number, or CFwdAll on its phone) so that the chain ends at a phone that rings`;

/**
 * "Forwarded" in the call troubleshooter (calls.md §4.2): a recorded call that was forwarded says
 * from which DN to which; a forward loop or a chain longer than the hop limit (cause 25) is named
 * with the DN to change. Null when forwards play no part.
 */
export function forwardCheck(
  called: string,
  cdr: CallDetailRecord | null,
  cause: number | null,
  facts: ForwardFacts | undefined,
): CallCheck | null {
  const title = 'Call forwarding';
  const original = (cdr?.originalCalledPartyNumber ?? called).replace(/#$/, '');
  const chain = facts ? forwardAllChain(original, facts) : null;
  if (cause === 25 || chain?.stop) {
    const path = chain ? chain.dns.join(' → ') : original;
    const loop = chain?.stop === 'loop' || (cause === 25 && chain?.stop !== 'hop-limit');
    const last = chain ? chain.dns[chain.dns.length - 2] : original;
    return {
      id: 'forward',
      title,
      status: 'problem',
      detail: loop
        ? `the forwards loop (${path}): the call comes back to a DN it already reached, so the node stops it with reorder (cause 25)`
        : `the forwards (${path}) are longer than the hop limit of ${facts?.maxHops ?? '?'} (--call-forward-max-hops): the node stops the call with reorder (cause 25)`,
      fix: loop ? FIX(last) : `${FIX(last)}, or raise --call-forward-max-hops`,
    };
  }
  if (cdr?.lastRedirectDn)
    return {
      id: 'forward',
      title,
      status: 'info',
      detail: `the call to ${original} was forwarded${cdr.lastRedirectDn !== original ? `, last by ${cdr.lastRedirectDn},` : ''} to ${cdr.finalCalledPartyNumber}`,
    };
  if (chain && chain.dns.length > 1)
    return {
      id: 'forward',
      title,
      status: 'info',
      detail: `${original} forwards all calls: a call now goes ${chain.dns.join(' → ')}`,
    };
  return null;
}
