import { ipOf } from '../ip-of.js';
import type { Call, Leg } from './call.js';
import { originLeg } from './call.js';
import { CODECS } from './codec.js';
import { REDIRECT_REASON_CODE } from './forward.js';
import { CALL_SPLIT } from './join.js';
import { Q850 } from './q850.js';

/**
 * A Call Detail Record with CUCM's flat-file field names (calls.md §4.3; CUCM 4.2(3) and 12.0 CDR
 * definitions): one record per call, written when it ends.
 */
export interface CallDetailRecord {
  /** 1 = CDR (2 would be a CMR). */
  cdrRecordType: 1;
  globalCallID_callManagerId: number;
  globalCallID_callId: number;
  origLegCallIdentifier: number;
  /** 0 when no device was offered the call. */
  destLegCallIdentifier: number;
  /** UTC epoch seconds: off-hook (or the INVITE). */
  dateTimeOrigination: number;
  /** UTC epoch seconds of the answer; 0 if the call never connected. */
  dateTimeConnect: number;
  dateTimeDisconnect: number;
  /** Seconds from connect to disconnect; 0 if unanswered. */
  duration: number;
  callingPartyNumber: string;
  /** As dialled, with a closing # if the user pressed it. */
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  /** The DN that forwarded the call last; empty when it was not forwarded. */
  lastRedirectDn: string;
  /** Q.850 cause when the caller's side cleared, else 0. */
  origCause_value: number;
  /** Q.850 cause when the destination cleared or refused, else 0. */
  destCause_value: number;
  origDeviceName: string;
  destDeviceName: string;
  /** Signalling IPs as CUCM writes them: the signed decimal of a little-endian u32; 0 when unknown. */
  origIpAddr: number;
  destIpAddr: number;
  origMediaTransportAddress_IP: number;
  origMediaTransportAddress_Port: number;
  destMediaTransportAddress_IP: number;
  destMediaTransportAddress_Port: number;
  /** Skinny codec number (4 = G.711 µ-law); 0 when no media was set up. */
  origMediaCap_payloadCapability: number;
  /** Milliseconds of audio per packet; 0 when no media was set up. */
  origMediaCap_maxFramesPerPacket: number;
  destMediaCap_payloadCapability: number;
  destMediaCap_maxFramesPerPacket: number;
  /** MLPP precedence: 4 = routine, the default. */
  origPrecedenceLevel: number;
  destPrecedenceLevel: number;
  /** Why the originally called party forwarded the call: CUCM's redirect reason (15 all, 1 busy, 2 no answer); 0 if not forwarded. */
  origCalledPartyRedirectReason: number;
  /** Why the last redirecting party forwarded it (same codes); 0 if not forwarded. */
  lastRedirectRedirectReason: number;
  /**
   * On whose behalf each side's part ended, in CUCM's OnBehalfOf codes: 12 the device (a hang-up),
   * 10 a transfer, 4 a conference; 0 otherwise.
   */
  origCallTerminationOnBehalfOf: number;
  destCallTerminationOnBehalfOf: number;
  /** On whose behalf the original called party, and the last one, redirected the call: 5 a forward, 16 a pickup, 4 a conference; 0 none. */
  origCalledPartyRedirectOnBehalfOf: number;
  lastRedirectRedirectOnBehalfOf: number;
  /** What made this call of others: 10 a transfer, 4 a conference; 0 a call as dialled. */
  joinOnBehalfOf: number;
  /** The conference the call is a party of (the same for all its parties); 0 none. */
  destConversationId: number;
  /**
   * CUCM's comment field: the conference controller, "ConfControllerDn=…;ConfControllerDeviceName=…";
   * a call the media encryption policies refused, "MediaEncryptionRefused=<why>" (openucm's key).
   */
  comment: string;
  /** CUCM's security status of the call: 0 non-secured, 2 encrypted (its media was SRTP); 1 (authenticated) is not written. */
  callSecuredStatus: number;
}

/**
 * An IPv4 address as CUCM's CDR holds it: the bytes in reverse order read as a signed 32-bit
 * integer (192.168.18.188 → -1139627840, the CDR definition's own example). 0 for anything else.
 */
export function cdrIpAddress(address: string | null | undefined): number {
  if (!address) return 0;
  const octets = ipOf(address).split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return 0;
  const [a, b, c, d] = octets.map(Number);
  return a | (b << 8) | (c << 16) | (d << 24);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The record of a released call; `callManagerId` names the node (globalCallID_callManagerId). */
export function callDetailRecord(call: Call, callManagerId: number): CallDetailRecord {
  const orig = originLeg(call);
  const dest: Leg | undefined = call.legs.find((leg) => leg.id === call.destLeg);
  const connect = call.connectedAt === null ? 0 : seconds(call.connectedAt);
  const disconnect = seconds(call.releasedAt ?? call.originatedAt);
  const clearing = call.clearing;
  const origMedia = mediaOf(call, orig);
  const destMedia = mediaOf(call, dest);
  return {
    cdrRecordType: 1,
    globalCallID_callManagerId: callManagerId,
    globalCallID_callId: call.id,
    origLegCallIdentifier: orig.id,
    destLegCallIdentifier: dest?.id ?? 0,
    dateTimeOrigination: seconds(call.originatedAt),
    dateTimeConnect: connect,
    dateTimeDisconnect: disconnect,
    duration: connect === 0 ? 0 : Math.max(0, disconnect - connect),
    callingPartyNumber: orig.party.number,
    originalCalledPartyNumber: call.dialled,
    finalCalledPartyNumber: call.calledDn ?? call.dialled,
    // A pickup happens after any forward: the DN that rang is the last to redirect the call.
    lastRedirectDn: call.lastRedirectDn ?? call.redirects.at(-1)?.from.number ?? '',
    // A call a transfer split carries split on both sides, as CUCM's (join.ts CALL_SPLIT).
    origCause_value: call.transfer === 'split' ? CALL_SPLIT : clearing?.side === 'orig' ? clearing.cause : 0,
    destCause_value: call.transfer === 'split' ? CALL_SPLIT : clearing?.side === 'dest' ? clearing.cause : 0,
    origDeviceName: orig.deviceName,
    destDeviceName: dest?.deviceName ?? '',
    origIpAddr: cdrIpAddress(orig.address),
    destIpAddr: cdrIpAddress(dest?.address),
    origMediaTransportAddress_IP: origMedia.ip,
    origMediaTransportAddress_Port: origMedia.port,
    origMediaCap_payloadCapability: origMedia.capability,
    origMediaCap_maxFramesPerPacket: origMedia.framesMs,
    destMediaTransportAddress_IP: destMedia.ip,
    destMediaTransportAddress_Port: destMedia.port,
    destMediaCap_payloadCapability: destMedia.capability,
    destMediaCap_maxFramesPerPacket: destMedia.framesMs,
    origPrecedenceLevel: 4,
    destPrecedenceLevel: 4,
    ...redirectReasons(call),
    ...onBehalfOf(call),
    destConversationId: call.conference?.role === 'party' ? call.conference.id : 0,
    comment: commentOf(call),
    callSecuredStatus: call.mediaEncrypted ? CALL_SECURED_ENCRYPTED : 0,
  };
}

/** callSecuredStatus of a call whose media was encrypted. */
export const CALL_SECURED_ENCRYPTED = 2;

function commentOf(call: Call): string {
  const parts: string[] = [];
  if (call.conference)
    parts.push(
      `ConfControllerDn=${call.conference.controllerDn};ConfControllerDeviceName=${call.conference.controllerDevice}`,
    );
  // The comment is ';'-separated key=value pairs: the reason keeps neither separator.
  if (call.encryptionRefusal)
    parts.push(`MediaEncryptionRefused=${call.encryptionRefusal.replace(/[;=]/g, ',')}`);
  return parts.join(';');
}

/** CUCM's OnBehalfOf codes (CDR definition, "OnBehalfOf Codes"). */
export const ON_BEHALF_OF = {
  conference: 4,
  callForward: 5,
  transfer: 10,
  device: 12,
  pickup: 16,
} as const;

function onBehalfOf(call: Call) {
  const conference = call.conference?.role;
  // A call a feature ended (a transfer's split, a conference's setup) ends on both sides for it;
  // a hang-up ends the side that hung up on behalf of its device.
  // A party's call that the bridge's side ends (the conference joined its last two, or left one
  // alone) ends on behalf of the conference too.
  const bridgeEnded = conference === 'party' && call.clearing?.side === 'dest';
  const ending =
    call.transfer === 'split'
      ? ON_BEHALF_OF.transfer
      : conference === 'setup' || bridgeEnded
        ? ON_BEHALF_OF.conference
        : null;
  const hungUp = (side: 'orig' | 'dest') =>
    call.clearing?.side === side && call.clearing.cause === Q850.normalClearing ? ON_BEHALF_OF.device : 0;
  const redirect = (forward: boolean, pickup: boolean) =>
    conference === 'party'
      ? ON_BEHALF_OF.conference
      : pickup
        ? ON_BEHALF_OF.pickup
        : forward
          ? ON_BEHALF_OF.callForward
          : 0;
  return {
    origCallTerminationOnBehalfOf: ending ?? hungUp('orig'),
    destCallTerminationOnBehalfOf: ending ?? hungUp('dest'),
    origCalledPartyRedirectOnBehalfOf: redirect(call.redirects.length > 0, false),
    lastRedirectRedirectOnBehalfOf: redirect(call.redirects.length > 0, call.lastRedirectDn !== undefined),
    joinOnBehalfOf:
      call.transfer === 'joined'
        ? ON_BEHALF_OF.transfer
        : conference === 'party' || conference === 'joined'
          ? ON_BEHALF_OF.conference
          : 0,
  };
}

function redirectReasons(call: Call) {
  const first = call.redirects[0];
  const last = call.redirects.at(-1);
  return {
    origCalledPartyRedirectReason: first ? REDIRECT_REASON_CODE[first.reason] : 0,
    // A pickup is the last redirect when there was one (CUCM 4.2(3) CDR definition: reason 5).
    lastRedirectRedirectReason:
      call.lastRedirectDn !== undefined ? CALL_PICKUP_REASON : last ? REDIRECT_REASON_CODE[last.reason] : 0,
  };
}

/** CUCM's redirect reason code of a call pickup. */
const CALL_PICKUP_REASON = 5;

/** A leg's media as the CDR shows it: zeros when media was never set up (calls.md §4.3). */
function mediaOf(call: Call, leg: Leg | undefined) {
  const media = call.connectedAt === null ? null : (leg?.media.lastReceive ?? null);
  const capability = media && call.codec ? CODECS[call.codec].skinny : 0;
  return {
    ip: cdrIpAddress(media?.address),
    port: media?.port ?? 0,
    capability,
    framesMs: capability ? call.packetMs : 0,
  };
}
