import type { LegCommand } from '../../core/call/call-command.js';
import type { Party } from '../../core/call/call.js';
import type { Codec } from '../../core/call/codec.js';
import type { LegEvent } from '../../services/calls/call-ports.js';
import type { ForwardReply } from './forward-all-key.js';

/** A registered SCCP phone as the node's calls see it. */
export interface SccpCallDevice {
  deviceName: string;
  /** Its IP address (for the CDR). */
  address: string | null;
  /** From its CapabilitiesRes; G.711 until that arrives. */
  codecs: Codec[];
  /** Its lines: a line whose DN forwards all calls is shown so at attach (ForwardStat). */
  lines?: { index: number; dn: string }[];
}

/** Where one session's leg commands arrive; legs are named by the session's callReference. */
export interface SccpCallEndpoint {
  command(callReference: number, line: number, command: LegCommand): void;
  /** The node's answer to a CFwdAll press or number (absent: the endpoint has no CFwdAll key). */
  forwardReply?(line: number, reply: ForwardReply): void;
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
  /**
   * The phone went off-hook on `line` and names that call `callReference`. `placesCall`: NewCall,
   * PickUp, GPickUp — a new call even while another rings on the phone (a handset lifted answers it).
   */
  offHook(
    endpoint: SccpCallEndpoint,
    callReference: number,
    line: number,
    party: Party,
    placesCall?: boolean,
  ): void;
  send(endpoint: SccpCallEndpoint, callReference: number, event: LegEvent): void;
  /**
   * CFwdAll on `line` (DN `dn`): `target` undefined for a press (clears Forward All if set, else asks
   * for the number), or the number entered (stored, then answered). Answered via forwardReply.
   */
  forwardAll?(endpoint: SccpCallEndpoint, line: number, dn: string, target: string | undefined): void;
  /** The phone completes a transfer: the party of `heldReference` joins the one of `consultReference`. */
  transfer(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void;
  /** The phone completes a conference (Confrn twice): it, the party of `heldReference` and the one of `consultReference`. */
  conference(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void;
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
  conference: () => undefined,
};
