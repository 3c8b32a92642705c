import { describe, expect, it } from 'vitest';
import { isHoldOffer } from '../../../core/call/media.js';
import { parseSdp, renderSdp } from './sdp.js';

const sdp = (...lines: string[]) => lines.join('\r\n') + '\r\n';

// A 7960 SIP offer in the shape of calls.md §2.3 (PCMU, PCMA, G.729, telephone-event 101).
const OFFER = sdp(
  'v=0',
  'o=Cisco-SIPUA 1 1 IN IP4 10.0.0.5',
  's=SIP Call',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 16384 RTP/AVP 0 8 18 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:18 G729/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=sendrecv',
);

describe('parseSdp', () => {
  it('reads address, port, codecs in order, ptime, direction and telephone-event', () => {
    const result = parseSdp(OFFER);
    expect(result).toEqual({
      ok: true,
      sdp: {
        media: {
          address: '10.0.0.5',
          port: 16384,
          codecs: ['PCMU', 'PCMA', 'G729'],
          direction: 'sendrecv',
          packetMs: 20,
        },
        telephoneEvent: 101,
      },
    });
  });

  it('knows static payload types without rtpmap, and G.722 by number', () => {
    const result = parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.6', 'm=audio 2000 RTP/AVP 9 0'));
    expect(result.ok && result.sdp.media.codecs).toEqual(['G722', 'PCMU']);
  });

  it('sees each form of hold: sendonly, inactive, and c=0.0.0.0 (RFC 2543)', () => {
    for (const body of [
      OFFER.replace('a=sendrecv', 'a=sendonly'),
      OFFER.replace('a=sendrecv', 'a=inactive'),
      OFFER.replace('c=IN IP4 10.0.0.5', 'c=IN IP4 0.0.0.0'),
    ]) {
      const result = parseSdp(body);
      expect(result.ok && isHoldOffer(result.sdp.media)).toBe(true);
    }
    const plain = parseSdp(OFFER);
    expect(plain.ok && isHoldOffer(plain.sdp.media)).toBe(false);
  });

  it('takes the session-level c= and direction when the stream has none', () => {
    const result = parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.7', 'a=recvonly', 't=0 0', 'm=audio 3000 RTP/AVP 8'));
    expect(result.ok && result.sdp.media).toMatchObject({ address: '10.0.0.7', direction: 'recvonly' });
  });

  it('refuses malformed SDP with 400 and SDP it cannot use with 488, never throwing', () => {
    expect(parseSdp('hello')).toMatchObject({ ok: false, status: 400 });
    expect(parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.5', 'm=audio x RTP/AVP 0'))).toMatchObject({ status: 400 });
    expect(parseSdp(sdp('v=0', 'c=IN IP6 ::1', 'm=audio 1 RTP/AVP 0'))).toMatchObject({ status: 400 });
    expect(parseSdp(sdp('v=0', 'm=audio 1 RTP/AVP 0'))).toMatchObject({ status: 400 });
    expect(parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.5', 'm=video 1 RTP/AVP 31'))).toMatchObject({ status: 488 });
    expect(
      parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.5', 'm=audio 1 RTP/AVP 97', 'a=rtpmap:97 iLBC/8000')),
    ).toMatchObject({ status: 488 });
    expect(parseSdp(sdp('v=0', 'c=IN IP4 10.0.0.5', 'm=audio 1 RTP/SAVP 0'))).toMatchObject({ status: 488 });
  });
});

describe('renderSdp', () => {
  it('writes one codec with telephone-event, ptime and direction, and reads back the same', () => {
    const text = renderSdp({
      sessionId: 7,
      version: 2,
      address: '10.0.0.9',
      port: 20000,
      codec: 'PCMA',
      packetMs: 20,
      direction: 'inactive',
      telephoneEvent: 101,
    });
    expect(text).toContain('m=audio 20000 RTP/AVP 8 101\r\n');
    expect(text).toContain('o=openucm 7 2 IN IP4 10.0.0.9\r\n');
    expect(parseSdp(text)).toEqual({
      ok: true,
      sdp: {
        media: { address: '10.0.0.9', port: 20000, codecs: ['PCMA'], direction: 'inactive', packetMs: 20 },
        telephoneEvent: 101,
      },
    });
  });
});
