import { describe, expect, it } from 'vitest';
import { parseCrypto, renderCrypto } from './sdp-crypto.js';
import { parseSdp, renderSdp } from './sdp.js';

// RFC 4568 §4's example key (30 bytes: 128-bit key + 112-bit salt).
const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

describe('parseCrypto', () => {
  it('reads tag, suite, key parameters (lifetime, MKI) and session parameters', () => {
    expect(parseCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4 KDR=1`)).toEqual({
      ok: true,
      crypto: {
        tag: 1,
        suite: 'AES_CM_128_HMAC_SHA1_80',
        keyParams: `inline:${KEY}|2^20|1:4`,
        sessionParams: ['KDR=1'],
      },
    });
  });

  it('skips a suite it does not know (RFC 4568 §7.1.1) and names what is malformed', () => {
    expect(parseCrypto(`2 F8_128_HMAC_SHA1_80 inline:${KEY}`)).toEqual({
      ok: false,
      unknownSuite: 'F8_128_HMAC_SHA1_80',
    });
    const bad = (value: string) => {
      const result = parseCrypto(value);
      return 'malformed' in result ? result.malformed : null;
    };
    expect(bad(`x AES_CM_128_HMAC_SHA1_80 inline:${KEY}`)).toMatch(/tag "x"/);
    expect(bad(`1234567890 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`)).toMatch(/tag/);
    expect(bad(`1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=`)).toMatch(/is 5 bytes; the suite takes 30/);
    expect(bad(`1 AES_256_CM_HMAC_SHA1_80 inline:${KEY}`)).toMatch(/takes 46/);
    expect(bad(`1 AES_CM_128_HMAC_SHA1_80 inline:!!!!`)).toMatch(/not base64/);
    expect(bad(`1 AES_CM_128_HMAC_SHA1_80 key:${KEY}`)).toMatch(/inline/);
    expect(bad(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:999`)).toMatch(/MKI length/);
    expect(bad(`1 AES_CM_128_HMAC_SHA1_80`)).toMatch(/needs a tag/);
  });

  it('writes a line back under the tag it is given', () => {
    expect(
      renderCrypto(7, { suite: 'AES_CM_128_HMAC_SHA1_32', keyParams: `inline:${KEY}`, sessionParams: [] }),
    ).toBe(`a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`);
  });
});

const sdp = (transport: string, ...attributes: string[]) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.5',
    's=-',
    'c=IN IP4 10.0.0.5',
    't=0 0',
    `m=audio 16384 ${transport} 0`,
    'a=rtpmap:0 PCMU/8000',
    ...attributes,
    '',
  ].join('\r\n');

describe('parseSdp with SDES', () => {
  it('keeps the crypto lines of an RTP/SAVP offer, most preferred first', () => {
    const result = parseSdp(
      sdp(
        'RTP/SAVP',
        `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
        `a=crypto:2 F8_128_HMAC_SHA1_80 inline:${KEY}`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`,
      ),
    );
    expect(result.ok && result.sdp.media.srtp).toEqual({
      mandatory: true,
      lines: [
        { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyParams: `inline:${KEY}`, sessionParams: [] },
        { tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32', keyParams: `inline:${KEY}`, sessionParams: [] },
      ],
    });
  });

  it('reads RTP/AVP with crypto lines as best effort, and plain RTP/AVP as no SRTP', () => {
    const best = parseSdp(sdp('RTP/AVP', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`));
    expect(best.ok && best.sdp.media.srtp?.mandatory).toBe(false);
    const plain = parseSdp(sdp('RTP/AVP'));
    expect(plain.ok && plain.sdp.media.srtp).toBeUndefined();
  });

  it('answers 488 with the reason for malformed or missing keys and for a line that turns encryption off', () => {
    expect(parseSdp(sdp('RTP/SAVP', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA'))).toMatchObject({
      ok: false,
      status: 488,
      reason: expect.stringMatching(/malformed a=crypto: key of tag 1/),
    });
    expect(parseSdp(sdp('RTP/SAVP'))).toMatchObject({
      ok: false,
      status: 488,
      reason: expect.stringMatching(/without an a=crypto/),
    });
    expect(
      parseSdp(sdp('RTP/SAVP', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY} UNENCRYPTED_SRTP`)),
    ).toMatchObject({ ok: false, status: 488 });
    expect(
      parseSdp(
        sdp(
          'RTP/SAVP',
          `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
          `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`,
        ),
      ),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/tag 1 appears twice/) });
    expect(parseSdp(sdp('RTP/SAVPF', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`))).toMatchObject({
      ok: false,
      status: 488,
    });
  });

  it('renders the other phone’s key under the phone’s tag, in the transport the phone chose', () => {
    const base = {
      sessionId: 1,
      version: 1,
      address: '10.0.0.6',
      port: 5000,
      codec: 'PCMU' as const,
      packetMs: 20,
      direction: 'sendrecv' as const,
      telephoneEvent: null,
    };
    const key = { suite: 'AES_CM_128_HMAC_SHA1_80' as const, keyParams: `inline:${KEY}`, sessionParams: [] };
    const savp = renderSdp({ ...base, srtp: { key, tag: 4 } });
    expect(savp).toContain('m=audio 5000 RTP/SAVP 0\r\n');
    expect(savp).toContain(`a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:${KEY}\r\n`);
    expect(renderSdp({ ...base, srtp: { key: { ...key, mandatory: false }, tag: 1 } })).toContain(
      'm=audio 5000 RTP/AVP 0',
    );
    expect(renderSdp(base)).not.toContain('a=crypto');
  });
});
