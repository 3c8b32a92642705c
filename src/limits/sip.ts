import type { LimitSpec } from './limit.js';

/** Limits of the SIP listeners (UDP/TCP 5060, WebSocket /sip) and the registrar. */
export const sipLimits = {
  sipFirstMessageTimeoutSeconds: {
    default: 30,
    min: 1,
    max: 600,
    help: 'seconds a new SIP TCP or WebSocket connection has to send a first complete request before it is closed',
  },
  sipMaxTcpConnections: {
    default: 8000,
    min: 1,
    max: 1_000_000,
    help: 'SIP TCP connections held at once in all; SIP TLS connections (port 5061) have the same cap, counted apart',
  },
  sipTlsHandshakeTimeoutSeconds: {
    default: 10,
    min: 1,
    max: 120,
    help: 'seconds a new SIP TLS connection has to complete its TLS handshake before it is closed',
  },
  sipMaxTlsHandshakesPerAddress: {
    default: 32,
    min: 1,
    max: 1_000_000,
    help: 'SIP TLS handshakes one source address may have under way at once (each costs the node public-key work); one more connection is closed at once',
  },
  sipMaxWebSocketConnections: {
    default: 1000,
    min: 1,
    max: 1_000_000,
    help: 'SIP WebSocket connections (/sip) held at once in all',
  },
  sipMaxConnectionsPerAddress: {
    default: 1000,
    min: 0,
    max: 1_000_000,
    help: 'SIP TCP, TLS and WebSocket connections one source address may hold at once (0: no limit)',
  },
  sipMaxQueuedBytes: {
    default: 256 * 1024,
    min: 4096,
    max: 64 * 1024 * 1024,
    help: 'bytes waiting to be sent on one SIP TCP or WebSocket connection whose peer does not read; more closes it',
  },
  sipMaxQueuedRegistersPerDevice: {
    default: 4,
    min: 1,
    max: 1000,
    help: 'REGISTERs for one device waiting in line while one of them is decided; more are answered 503 with Retry-After',
  },
  sipMaxPendingRegisters: {
    default: 10_000,
    min: 1,
    max: 1_000_000,
    help: 'REGISTERs waiting in the SIP registrar for a decision (credentials, the registration service) at once in all; more are answered 503 with Retry-After',
  },
  sipMaxBindingsPerDevice: {
    default: 32,
    min: 1,
    max: 1000,
    help: 'Contacts one SIP device may have registered at once (each line, each Contact); more are refused with 403',
  },
  sipMaxIdentityLength: {
    default: 128,
    min: 15,
    max: 1024,
    help: 'characters of the user name a REGISTER identifies itself with (To user, digest user): device names have 15 (SEP + MAC), CUCM user IDs at most 128; a longer one, or one with control characters, is refused with 404 before anything is looked up or recorded',
  },
  sipMaxTransactions: {
    default: 100_000,
    min: 1000,
    max: 10_000_000,
    help: 'SIP server transactions remembered at once (each keeps its last response for retransmissions, up to 32 s); beyond it the oldest answered ones are forgotten early',
  },
  sipMaxCallDialogs: {
    default: 20_000,
    min: 10,
    max: 10_000_000,
    help: 'SIP call dialogs (INVITEs being answered, 2xx awaiting their ACK, calls up, BYEs awaiting their answer) held at once in all; a new INVITE beyond it is answered 503 with Retry-After',
  },
} satisfies Record<string, LimitSpec>;

/** The values of the SIP limits, as a node's config holds them. */
export type SipLimitSettings = { [K in keyof typeof sipLimits]: number };

/** The defaults, for a SIP server built outside a node (tests). */
export function defaultSipLimits(): SipLimitSettings {
  const out = {} as SipLimitSettings;
  for (const [name, spec] of Object.entries(sipLimits) as [keyof SipLimitSettings, LimitSpec][])
    out[name] = spec.default;
  return out;
}
