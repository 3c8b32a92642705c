/**
 * Who may call (docs/calls.md, "SIP adapter"): an INVITE comes from a device registered on this
 * node — a binding reached from the same address and port (connection, for TCP/WS) — and proves itself
 * as its registration did: digest when the device has credentials (RFC 3261 §22.2: 401 with a
 * challenge), nothing more when it has none. Anything else is 403, never a call.
 */
import type { Logger } from 'pino';
import type { DigestPolicy } from '../auth/digest-policy.js';
import type { SipRequest } from '../message.js';
import type { Binding, BindingStore, DeviceEntry } from '../registrar/binding-store.js';
import type { CredentialLookup } from '../registrar/credentials.js';
import { warningHeader } from '../registrar/replies.js';
import type { SipFlow } from '../transport/flow.js';

export type CallerVerdict =
  | { kind: 'caller'; entry: DeviceEntry; binding: Binding }
  | { kind: 'reply'; status: number; reason: string; headers: Array<[string, string]> };

/**
 * The registered device an INVITE comes from: a binding reached from the INVITE's source (address
 * and port for UDP, the connection for TCP/WS). Among several (the lines of one phone, phones
 * behind one connection), the one whose AOR is the From user; else the device when only one is there.
 */
export function registeredSender(request: SipRequest, flow: SipFlow, bindings: BindingStore): Binding | null {
  const fromUser = request.from.sipUri?.user;
  const candidates = [...bindings.reachedFrom(flow)];
  const byAor = candidates.find((b) => b.aor === fromUser);
  if (byAor) return byAor;
  const devices = new Set(candidates.map((b) => b.device));
  return devices.size === 1 ? candidates[0] : null;
}

export async function callerOf(
  request: SipRequest,
  flow: SipFlow,
  deps: {
    bindings: BindingStore;
    digest: DigestPolicy;
    credentials: CredentialLookup;
    logger: Logger;
    /** warn-agent of Warning headers. */
    warnAgent: string;
  },
): Promise<CallerVerdict> {
  const binding = registeredSender(request, flow, deps.bindings);
  if (!binding)
    return {
      kind: 'reply',
      status: 403,
      reason: 'Forbidden (not registered)',
      headers: [[...warningHeader(deps.warnAgent, 'register this phone on the node before it places calls')]],
    };
  const entry = binding.device;
  // The credentials the registration proved; read again when they changed since (undefined).
  let credential = entry.credential;
  if (credential === undefined) credential = await deps.credentials.byDevice(entry.name);
  if (credential === null) return { kind: 'caller', entry, binding };
  const verdict = deps.digest.verify(request, credential);
  switch (verdict.kind) {
    case 'ok':
      return { kind: 'caller', entry, binding };
    case 'missing':
    case 'stale':
    case 'replay':
      return {
        kind: 'reply',
        status: 401,
        reason: 'Unauthorized',
        headers: deps.digest
          .challenges(request, verdict.kind === 'stale')
          .map((c) => ['WWW-Authenticate', c] as [string, string]),
      };
    default:
      deps.logger.info(
        { device: entry.name, address: flow.remoteAddress, detail: verdict.detail },
        `refused an INVITE of ${entry.name} from ${flow.remoteAddress}: its digest did not prove the device (${verdict.detail}); check the phone's SIP password`,
      );
      return { kind: 'reply', status: 403, reason: 'Forbidden (authentication failed)', headers: [] };
  }
}
