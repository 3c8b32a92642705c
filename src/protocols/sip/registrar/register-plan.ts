/**
 * What a REGISTER asks for, checked against the registrar's rules before any state is touched
 * (RFC 3261 §10.3 steps 6–7): the wildcard, each Contact's expiry within the policy, 423.
 */
import type { ContactValue } from '../address.js';
import type { SipRequest } from '../message.js';

/** How long bindings may live, in seconds. */
export interface ExpiresPolicy {
  /** Shortest registration accepted (below it: 423 with Min-Expires). */
  readonly min: number;
  /** Longest registration granted; longer requests are shortened to it. */
  readonly max: number;
  /** Granted when the phone asks for nothing. */
  readonly default: number;
}

/**
 * min 60 s, max 3600 s, default 3600 s. CUCM shortens every registration to 120 s (sip-cisco.md §1.5)
 * to detect dead phones quickly; openucm keeps the phone's 3600 s (RFC 3261 §10.2.1.1's suggested
 * default) so that 50,000 phones cost 14 refreshes a second, and accepts anything down to 60 s.
 */
export const DEFAULT_EXPIRES_POLICY: ExpiresPolicy = { min: 60, max: 3600, default: 3600 };

/** One Contact of the request, with the expiry the registrar grants it. */
export interface RequestedContact {
  /** Identifies the binding within the device and AOR: instance-id (+reg-id) or the Contact URI. */
  readonly key: string;
  readonly uri: string;
  /** The Contact as the 200 OK echoes it, without any expires parameter. */
  readonly text: string;
  /** Seconds granted; 0 removes the binding. */
  readonly expires: number;
  readonly q?: number;
  readonly instanceId?: string;
  readonly regId?: number;
  /** sip-cisco.md §1.2: `;cisco-keep-alive` to a backup node, answered without touching any binding. */
  readonly keepAlive: boolean;
}

export type RegisterPlan =
  /** RFC 3261 §10.2.3: "A UA MAY ... query the current bindings ... without a Contact header field". */
  | { readonly kind: 'query' }
  /** RFC 3261 §10.2.2: `Contact: *` with `Expires: 0` removes every binding (of this device, here). */
  | { readonly kind: 'remove-all' }
  | { readonly kind: 'update'; readonly contacts: readonly RequestedContact[] }
  | {
      readonly kind: 'refuse';
      readonly status: 400 | 423;
      readonly reason: string;
      readonly minExpires?: number;
    };

/** The Contact text without its `expires` parameter, in `<uri>;params` form. */
export function contactText(c: ContactValue): string {
  const raw = c.raw;
  const gt = raw.startsWith('<') || raw.includes('<') ? raw.indexOf('>') : -1;
  const head = gt >= 0 ? raw.slice(0, gt + 1) : `<${c.uri}>`;
  const params = gt >= 0 ? raw.slice(gt + 1) : raw.slice(c.uri.length);
  if (!/expires/i.test(params)) return head + params;
  return head + params.replace(/\s*;\s*expires\s*=\s*("[^"]*"|[^;\s]*)/gi, '');
}

/**
 * The binding key: RFC 5626 §6: "the registrar MUST ... [use] the instance-id and the reg-id" when present;
 * otherwise the Contact URI as written (RFC 3261 §10.3 step 7 compares Contact URIs).
 */
export function bindingKey(c: ContactValue): string {
  if (c.instanceId !== undefined)
    return c.regId === undefined ? `i:${c.instanceId}` : `i:${c.instanceId};${c.regId}`;
  return `u:${c.uri}`;
}

/** Decides the plan for `request`, or the error response it gets. */
export function planRegister(request: SipRequest, policy: ExpiresPolicy): RegisterPlan {
  const contacts = request.contacts;
  const headerExpires = request.expires;
  if (contacts === '*') {
    // RFC 3261 §10.3 step 6: "If the request has additional Contact fields or an expiration time other than
    // zero, the request is invalid, and the server MUST return a 400 (Invalid Request)".
    if (headerExpires !== 0)
      return { kind: 'refuse', status: 400, reason: 'Bad Request (Contact * needs Expires: 0)' };
    return { kind: 'remove-all' };
  }
  if (contacts.length === 0) return { kind: 'query' };
  const out: RequestedContact[] = [];
  for (const c of contacts) {
    // RFC 3261 §10.3 step 7: the expiry is the "expires" parameter, else the Expires header, else a local default.
    const asked = c.expires ?? headerExpires ?? policy.default;
    // RFC 3261 §10.3 step 7: "If and only if the requested expiration interval is greater than zero AND smaller than
    // one hour AND less than a registrar-configured minimum, the registrar MAY reject the registration with a
    // response of 423 (Interval Too Brief)."
    if (asked > 0 && asked < 3600 && asked < policy.min) {
      return { kind: 'refuse', status: 423, reason: 'Interval Too Brief', minExpires: policy.min };
    }
    const keepAlive = c.params.has('cisco-keep-alive');
    out.push({
      key: bindingKey(c),
      uri: c.uri,
      text: contactText(c),
      // RFC 3261 §10.3 step 7: "the registrar MAY shorten the expiration interval".
      expires: Math.min(asked, policy.max),
      q: c.q,
      instanceId: c.instanceId,
      regId: c.regId,
      keepAlive,
    });
  }
  return { kind: 'update', contacts: out };
}
