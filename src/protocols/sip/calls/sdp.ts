/**
 * SDP for the B2BUA's audio (RFC 4566, offer/answer RFC 3264): one audio stream per session, read
 * into the call model's MediaDescription and written from a target the model chose. Only what a
 * 79xx sends and needs: c=, m=audio with static payload types, a=rtpmap, a=ptime, the direction
 * attributes, c=0.0.0.0 as hold (RFC 2543 form, calls.md §2.3), and SDES keys (a=crypto, RTP/SAVP).
 */
import type { Codec } from '../../../core/call/codec.js';
import { CODECS, codecOfSdpName } from '../../../core/call/codec.js';
import type { MediaDescription, MediaDirection } from '../../../core/call/media.js';
import type { CryptoAttribute, SrtpKey } from '../../../core/call/srtp.js';
import { parseCrypto, protects, renderCrypto } from './sdp-crypto.js';

/** RFC 4733 named events (DTMF) as the 79xx offer them: `dtmf_avt_payload` 101 (calls.md §2.3). */
export const TELEPHONE_EVENT_PT = 101;

export interface ParsedSdp {
  media: MediaDescription;
  /** The payload type the phone gave telephone-event, when it offered DTMF events. */
  telephoneEvent: number | null;
}

export type SdpResult =
  | { ok: true; sdp: ParsedSdp }
  /** `status` is the response the request draws: 400 malformed, 488 nothing the node can use. */
  | { ok: false; status: 400 | 488; reason: string };

const DIRECTIONS = new Set<string>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const STATIC: Record<number, Codec> = {};
for (const codec of Object.keys(CODECS) as Codec[]) STATIC[CODECS[codec].payloadType] = codec;
const MAX_SDP_BYTES = 16 * 1024;

/** Reads the first audio stream of `body`. Never throws: what it cannot use is a 400 or a 488. */
export function parseSdp(body: string): SdpResult {
  if (body.length > MAX_SDP_BYTES) return bad(400, 'SDP body too large');
  const lines = body.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines[0] !== 'v=0') return bad(400, 'SDP must begin with v=0');
  let sessionAddress: string | null = null;
  let sessionDirection: MediaDirection = 'sendrecv';
  let audio: {
    port: number;
    formats: number[];
    address: string | null;
    direction: MediaDirection | null;
  } | null = null;
  let inOtherMedia = false;
  let packetMs: number | undefined;
  let savp = false;
  const cryptos: CryptoAttribute[] = [];
  const rtpmap = new Map<number, string>();
  for (const line of lines) {
    if (line.length < 2 || line[1] !== '=') return bad(400, `malformed SDP line "${line.slice(0, 40)}"`);
    const type = line[0];
    const value = line.slice(2);
    if (type === 'm') {
      if (audio) break; // one audio stream is all a 79xx call has; later ones are ignored
      const parts = value.split(' ');
      if (parts.length < 4) return bad(400, 'malformed m= line');
      if (parts[0] !== 'audio') {
        inOtherMedia = true;
        continue;
      }
      inOtherMedia = false;
      const port = Number(parts[1].split('/')[0]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return bad(400, 'bad port in m=audio');
      // RTP/AVP, or RTP/SAVP with SDES keys (RFC 4568); feedback profiles (AVPF, SAVPF) are not supported.
      if (parts[2] !== 'RTP/AVP' && parts[2] !== 'RTP/SAVP')
        return bad(488, `unsupported media transport ${parts[2]} (RTP/AVP or RTP/SAVP expected)`);
      savp = parts[2] === 'RTP/SAVP';
      const formats = parts.slice(3).map(Number);
      if (formats.some((f) => !Number.isInteger(f) || f < 0 || f > 127)) return bad(400, 'bad payload type');
      audio = { port, formats, address: null, direction: null };
      continue;
    }
    if (inOtherMedia) continue;
    if (type === 'c') {
      const address = connectionAddress(value);
      if (address === null) return bad(400, 'malformed c= line (IN IP4 address expected)');
      if (audio) audio.address = address;
      else sessionAddress = address;
    } else if (type === 'a') {
      const [name, rest] = splitAttribute(value);
      if (DIRECTIONS.has(name)) {
        if (audio) audio.direction = name as MediaDirection;
        else sessionDirection = name as MediaDirection;
      } else if (name === 'rtpmap' && rest !== null) {
        const match = /^(\d+) ([^/\s]+)\//.exec(rest);
        if (!match) return bad(400, 'malformed a=rtpmap');
        rtpmap.set(Number(match[1]), match[2]);
      } else if (name === 'crypto' && audio && rest !== null) {
        const crypto = parseCrypto(rest);
        if ('malformed' in crypto) return bad(488, crypto.malformed);
        if (crypto.ok && protects(crypto.crypto)) {
          if (cryptos.some((c) => c.tag === crypto.crypto.tag))
            return bad(488, `malformed a=crypto: tag ${crypto.crypto.tag} appears twice`);
          cryptos.push(crypto.crypto);
        }
      } else if (name === 'ptime' && rest !== null) {
        const ms = Number(rest);
        if (Number.isInteger(ms) && ms > 0 && ms <= 1000) packetMs = ms;
      }
    }
  }
  if (!audio) return bad(488, 'no audio stream in the SDP');
  const address = audio.address ?? sessionAddress;
  if (address === null) return bad(400, 'no c= line for the audio stream');
  const codecs: Codec[] = [];
  let telephoneEvent: number | null = null;
  for (const pt of audio.formats) {
    const name = rtpmap.get(pt);
    if (name?.toLowerCase() === 'telephone-event') telephoneEvent = pt;
    const codec = name === undefined ? (STATIC[pt] ?? null) : codecOfSdpName(name);
    if (codec && !codecs.includes(codec)) codecs.push(codec);
  }
  if (audio.port !== 0 && codecs.length === 0)
    return bad(488, 'none of the offered codecs is one the node knows (PCMU, PCMA, G722, G723, G729)');
  const media: MediaDescription = {
    address,
    port: audio.port,
    codecs,
    // A stream with port 0 is rejected (RFC 3264 §6): no media flows, as inactive.
    direction: audio.port === 0 ? 'inactive' : (audio.direction ?? sessionDirection),
  };
  if (packetMs !== undefined) media.packetMs = packetMs;
  // RFC 4568 §5.1.1: an RTP/SAVP stream needs a key the answerer can use.
  if (savp && cryptos.length === 0 && audio.port !== 0)
    return bad(488, 'RTP/SAVP without an a=crypto line of a suite the node knows (SDES, RFC 4568)');
  if (cryptos.length > 0) media.srtp = { lines: cryptos, mandatory: savp };
  return { ok: true, sdp: { media, telephoneEvent } };
}

export interface SdpToRender {
  /** o= session id (stable for the leg) and version (one higher with every new description). */
  sessionId: number;
  version: number;
  /** Where the phone sends: the other phone's receive address. */
  address: string;
  port: number;
  codec: Codec;
  packetMs: number;
  direction: MediaDirection;
  /** Offer or answer telephone-event with this payload type too. */
  telephoneEvent: number | null;
  /** The key the phone decrypts with, and the tag to write it under: the call is encrypted. */
  srtp?: { key: SrtpKey; tag: number };
}

/** An SDP with one audio stream in one codec (RFC 3264 §6.1: an answer keeps the offer's PT numbers). */
export function renderSdp(sdp: SdpToRender): string {
  const pt = CODECS[sdp.codec].payloadType;
  const formats = sdp.telephoneEvent === null ? `${pt}` : `${pt} ${sdp.telephoneEvent}`;
  const lines = [
    'v=0',
    `o=openucm ${sdp.sessionId} ${sdp.version} IN IP4 ${sdp.address}`,
    's=SIP Call',
    `c=IN IP4 ${sdp.address}`,
    't=0 0',
    `m=audio ${sdp.port} ${sdp.srtp?.key.mandatory === false || !sdp.srtp ? 'RTP/AVP' : 'RTP/SAVP'} ${formats}`,
    // RFC 3551 §4.5.2: G.722 is written with clock rate 8000 too.
    `a=rtpmap:${pt} ${CODECS[sdp.codec].sdpName}/8000`,
  ];
  if (sdp.telephoneEvent !== null)
    lines.push(`a=rtpmap:${sdp.telephoneEvent} telephone-event/8000`, `a=fmtp:${sdp.telephoneEvent} 0-15`);
  lines.push(`a=ptime:${sdp.packetMs}`, `a=${sdp.direction}`);
  if (sdp.srtp) lines.push(renderCrypto(sdp.srtp.tag, sdp.srtp.key));
  return lines.join('\r\n') + '\r\n';
}

function connectionAddress(value: string): string | null {
  const parts = value.split(' ');
  if (parts.length < 3 || parts[0] !== 'IN' || parts[1] !== 'IP4') return null;
  const address = parts[2].split('/')[0];
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && address.split('.').every((o) => Number(o) <= 255)
    ? address
    : null;
}

function splitAttribute(value: string): [string, string | null] {
  const colon = value.indexOf(':');
  return colon < 0 ? [value, null] : [value.slice(0, colon), value.slice(colon + 1)];
}

function bad(status: 400 | 488, reason: string): SdpResult {
  return { ok: false, status, reason };
}
