import type { LegCommand } from '../../core/call/call-command.js';
import type { Party } from '../../core/call/call.js';
import type { Codec } from '../../core/call/codec.js';
import type { LegEvent } from '../../services/calls/call-ports.js';

/** A registered SCCP phone as the node's calls see it. */
export interface SccpCallDevice {
  deviceName: string;
  /** Its IP address (for the CDR). */
  address: string | null;
  /** From its CapabilitiesRes; G.711 until that arrives. */
  codecs: Codec[];
}

/** Where one session's leg commands arrive; legs are named by the session's callReference. */
export interface SccpCallEndpoint {
  command(callReference: number, line: number, command: LegCommand): void;
}

/**
 * The node's calls as an SCCP session reaches them: in process the SccpCallAdapter over the
 * CallService; in an SCCP worker IpcCalls, which forwards to the primary's adapter and brings the
 * commands back. Each session numbers the calls it places (callReference); the node numbers the
 * calls it offers it from {@link OFFERED_CALL_REFERENCE_BASE} up, so that both stay unique per session.
 */
export interface SccpCalls {
  /** The phone can place and receive calls (again with new codecs: the latest attach counts). */
  attach(endpoint: SccpCallEndpoint, device: SccpCallDevice): void;
  /** The phone is gone: its calls end (cause 27). */
  detach(endpoint: SccpCallEndpoint): void;
  /** The phone went off-hook on `line` and names that call `callReference`. */
  offHook(endpoint: SccpCallEndpoint, callReference: number, line: number, party: Party): void;
  send(endpoint: SccpCallEndpoint, callReference: number, event: LegEvent): void;
  /** The phone completes a transfer: the party of `heldReference` joins the one of `consultReference`. */
  transfer(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void;
}

/** callReferences of calls the node offers a phone start here; a phone's own count from 1. */
export const OFFERED_CALL_REFERENCE_BASE = 0x40000000;

/** A node without calls (tests of registration alone): phones register, and calls are not offered. */
export const noCalls: SccpCalls = {
  attach: () => undefined,
  detach: () => undefined,
  offHook: (endpoint, callReference, line) =>
    endpoint.command(callReference, line, { kind: 'clear', cause: 27 }),
  send: () => undefined,
  transfer: () => undefined,
};
