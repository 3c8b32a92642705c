import type { Codec } from './codec.js';
import type { MediaTarget } from './media.js';
import type { Q850Cause } from './q850.js';
import type { LegState, Party, Redirect } from './call.js';

export type Tone = 'dial' | 'ringback' | 'busy' | 'reorder';

/** Prompts a phone shows in its own words (SCCP: 0x80 + label code, calls.md §1.4). */
export type Prompt =
  | 'enter-number'
  | 'call-proceed'
  | 'ring-out'
  | 'from'
  | 'connected'
  | 'hold'
  | 'busy'
  | 'unknown-number'
  | 'temp-fail'
  | 'in-use-remote'
  /** A second call rings while the phone talks on another (SCCP label 0x1B). */
  | 'call-waiting'
  /** The call was refused by a media encryption policy (srtp.ts): SCCP shows it as text. */
  | 'encryption-refused';

/**
 * A protocol-neutral instruction to one leg's phone. The SCCP adapter renders each as Skinny
 * messages, the SIP adapter as responses and requests (docs/calls.md has both tables).
 */
export type LegCommand =
  /** The leg's state changed; `remote` is who the phone is calling or talking to. */
  | { kind: 'call-state'; state: LegState; remote: Party | null }
  | { kind: 'tone'; tone: Tone }
  | { kind: 'stop-tone' }
  | { kind: 'prompt'; prompt: Prompt }
  /**
   * Offer the call: ring, showing who calls, and each forward it followed. `waiting`: the phone is
   * already in a call, so the new one is offered as call waiting (SCCP: flash only and the call
   * waiting tone, calls.md §1.5).
   */
  | { kind: 'ring'; caller: Party; called: Party; redirects?: readonly Redirect[]; waiting?: boolean }
  | { kind: 'stop-ringing' }
  /** Another device on the shared line answered: show the line in use there. */
  | { kind: 'in-use-remotely' }
  /** Ask the phone where it receives, in `codec`; the answer is a media event. */
  | { kind: 'open-receive-channel'; codec: Codec; packetMs: number }
  /** Send RTP in `codec` to `to` (a new target replaces the old one). */
  | { kind: 'start-media'; to: MediaTarget; codec: Codec; packetMs: number }
  /** Stop sending and receiving (hold, or the end of the call). */
  | { kind: 'stop-media' }
  /**
   * The call is held by the other phone: receive music on hold from the node at `from`, send nothing
   * (SCCP: a new receive channel, its ack says where; SIP: an offer from `from` with a=sendonly).
   */
  | { kind: 'hear-music'; from: MediaTarget; codec: Codec; packetMs: number }
  /** The call this phone placed cannot be completed (cause): tone and prompt went before; it waits for the hang-up. */
  | { kind: 'reject'; cause: Q850Cause; reason?: string }
  /**
   * The leg is over: end it on the phone (for SIP: final response, CANCEL or BYE, by dialog state).
   * `reason`: why, in words an operator reads (a SIP Warning).
   */
  | { kind: 'clear'; cause: Q850Cause; reason?: string };

export type CallTimer = 't302' | 'ring' | 'no-answer';

/** What a transition asks: commands to legs, and work for the call service (timers, routing, the end). */
export type CallCommand =
  | { kind: 'leg'; leg: number; command: LegCommand }
  | { kind: 'start-timer'; timer: CallTimer }
  | { kind: 'stop-timer'; timer: CallTimer }
  /** Find the devices of `dn` and answer with a routed or route-failed event. */
  | { kind: 'route'; dn: string }
  /**
   * The caller dialled the pickup code: find the call ringing longest in pickup group `group` (the
   * caller's own line's group when null) and move the caller's leg into it (a pickup event), else
   * answer with route-failed.
   */
  | { kind: 'pickup'; group: string | null }
  /** The call is over: its history makes the CDR. */
  | { kind: 'released' }
  /** Stream music on hold to the held phone of `leg`, which receives at `to` (music.ts). */
  | { kind: 'start-music'; leg: number; to: MediaTarget; codec: Codec; packetMs: number }
  /** The leg's phone hears the other phone again (resume), or holds itself: its music stops. */
  | { kind: 'stop-music'; leg: number };
