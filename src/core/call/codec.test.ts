import { describe, expect, it } from 'vitest';
import { chooseCodec, codecOfSdpName, codecOfSkinny, CODECS } from './codec.js';

describe('codecs', () => {
  it('talks in the caller’s preferred codec that the callee also has', () => {
    expect(chooseCodec(['G729', 'PCMU', 'PCMA'], ['PCMA', 'PCMU'])).toBe('PCMU');
    expect(chooseCodec(['PCMA'], ['PCMU', 'PCMA'])).toBe('PCMA');
  });

  it('finds no codec when the phones share none (the call is refused, never transcoded)', () => {
    expect(chooseCodec(['G729'], ['PCMU', 'PCMA'])).toBeNull();
    expect(chooseCodec([], ['PCMU'])).toBeNull();
  });

  it('reads Skinny capability numbers and SDP names', () => {
    expect(codecOfSkinny(4)).toBe('PCMU');
    expect(codecOfSkinny(2)).toBe('PCMA');
    expect(codecOfSkinny(12)).toBe('G729');
    expect(codecOfSkinny(86)).toBeNull();
    expect(codecOfSdpName('pcmu')).toBe('PCMU');
    expect(codecOfSdpName('telephone-event')).toBeNull();
  });

  it('keeps the RTP payload types of RFC 3551', () => {
    expect(CODECS.PCMU.payloadType).toBe(0);
    expect(CODECS.PCMA.payloadType).toBe(8);
    expect(CODECS.G729.payloadType).toBe(18);
  });
});
