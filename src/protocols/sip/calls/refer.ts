/**
 * REFER in a call dialog (RFC 3515; reference calls.md §2.4): the node is a B2BUA and does the
 * transfer itself, as CUCM does — it never passes the REFER on, nor sends INVITE/Replaces to anyone.
 * Blind: `Refer-To: <sip:C@node>` → the node calls C for the held party and joins them once C rings.
 * Attended: `Refer-To: <sip:C@node?Replaces=call-id%3Bto-tag%3D…%3Bfrom-tag%3D…>` naming the
 * referrer's own dialog with C (RFC 3891 §3) → the two other parties are joined at once. The
 * referrer gets 202, then NOTIFYs with message/sipfrag: 100 Trying, then the outcome, the last
 * one before the BYE of its dialog.
 */
import type { Logger } from 'pino';
import type { Party } from '../../../core/call/call.js';
import { sipStatusOfCause } from '../../../core/call/q850.js';
import type { BlindTransferPort } from '../../../services/calls/blind-transfer.js';
import { blindTransfer } from '../../../services/calls/blind-transfer.js';
import type { SipRequest } from '../message.js';
import type { ServerTransaction } from '../transaction/server-transactions.js';
import type { SipLeg } from './sip-leg.js';

export interface ReferDeps {
  service: BlindTransferPort;
  /** The live leg of a dialog named by Call-ID and its two tags, in either order. */
  dialog(callId: string, tag1: string, tag2: string): SipLeg | undefined;
  /** The line a device transfers from (its DN and name, for the consultation call it never sees). */
  lineOf(deviceName: string): { line: number; party: Party } | undefined;
  logger: Logger;
}

/** What a Refer-To names: the target's number, and the dialog to replace for an attended transfer. */
export interface ReferTarget {
  user: string;
  replaces: { callId: string; toTag: string; fromTag: string } | null;
}

/**
 * Reads a Refer-To value: `<sip:user@host?Replaces=…>` (or without angle brackets). Null when it is
 * not a SIP URI with a user, or its Replaces lacks a tag (RFC 3891 §6.1: both tags are required).
 */
export function parseReferTo(value: string): ReferTarget | null {
  const inner = /<([^>]*)>/.exec(value)?.[1] ?? value.trim();
  const match = /^sips?:([^@;?]+)@[^?]*(?:\?(.*))?$/i.exec(inner);
  if (!match) return null;
  let user: string;
  try {
    user = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  let replaces: ReferTarget['replaces'] = null;
  for (const header of (match[2] ?? '').split('&')) {
    const [name, raw = ''] = header.split('=', 2);
    if (name.toLowerCase() !== 'replaces') continue;
    let text: string;
    try {
      text = decodeURIComponent(raw);
    } catch {
      return null;
    }
    const [callId, ...params] = text.split(';').map((p) => p.trim());
    const param = (key: string) =>
      params.find((p) => p.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const toTag = param('to-tag');
    const fromTag = param('from-tag');
    if (!callId || !toTag || !fromTag) return null;
    replaces = { callId, toTag, fromTag };
  }
  return { user, replaces };
}

/** Handles a REFER that arrived in `leg`'s dialog. */
export function handleRefer(leg: SipLeg, request: SipRequest, tx: ServerTransaction, deps: ReferDeps): void {
  const log = (status: number, why: string) =>
    deps.logger.warn(
      { device: leg.deviceName, status },
      `refused a transfer (REFER) from ${leg.deviceName}: ${why}; the call stays as it was`,
    );
  // The dialog's tags proved the request belongs to it; its source must be the phone's own flow too.
  if (tx.flow.remoteAddress !== leg.flow.remoteAddress || tx.flow.remotePort !== leg.flow.remotePort) {
    log(403, `it came from ${tx.flow.remoteAddress}:${tx.flow.remotePort}, not from the phone's address`);
    leg.reply(request, tx, 403);
    return;
  }
  const values = request.headers('refer-to');
  const target = values.length === 1 ? parseReferTo(values[0]) : null;
  if (!target) {
    log(400, 'it needs exactly one Refer-To with a SIP URI naming the target number');
    leg.reply(request, tx, 400, [['Warning', '399 openucm "Refer-To must be one SIP URI with a user part"']]);
    return;
  }
  if (!leg.handle) {
    leg.reply(request, tx, 481);
    return;
  }
  if (leg.referring) {
    // One transfer at a time per dialog: a REFER subscription is the only per-dialog resource here.
    log(491, 'a transfer from this call is still in progress');
    leg.reply(request, tx, 491);
    return;
  }
  const held = leg.handle;
  leg.reply(request, tx, 202);
  leg.referAccepted();

  if (target.replaces) {
    const { callId, toTag, fromTag } = target.replaces;
    const other = deps.dialog(callId, toTag, fromTag);
    // RFC 3891 §3: no dialog matches → 481; only the referrer's own calls may be joined.
    if (!other?.handle || other.deviceName !== leg.deviceName || other === leg) {
      log(481, `Replaces names no call of this phone (Call-ID ${callId})`);
      leg.referDone(481);
      return;
    }
    leg.referOutcome(200);
    const outcome = deps.service.transfer(held, other.handle);
    if (outcome.kind === 'refused') {
      log(603, outcome.message);
      leg.referOutcome(603);
      leg.referDone(603);
    }
    return;
  }

  const from = deps.lineOf(leg.deviceName);
  if (!/^[0-9*#]{1,32}$/.test(target.user) || !from) {
    log(404, `the target "${target.user}" is not a number`);
    leg.referDone(404);
    return;
  }
  blindTransfer(deps.service, held, { deviceName: leg.deviceName, ...from }, target.user, {
    joining: () => leg.referOutcome(200),
    failed: (cause, why) => {
      log(cause === null ? 603 : (sipStatusOfCause(cause) ?? 480), why);
      leg.referOutcome(cause === null ? 603 : (sipStatusOfCause(cause) ?? 480));
      leg.referDone(cause === null ? 603 : (sipStatusOfCause(cause) ?? 480));
    },
  });
}
