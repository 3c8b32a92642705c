import { describe, expect, it } from 'vitest';
import { callCodec } from './media-plan.js';
import { isHoldOffer } from './media.js';

describe('media plan', () => {
  it('picks the call codec from both lists, or from the one a phone has given', () => {
    expect(callCodec(['PCMA', 'PCMU'], ['PCMU', 'PCMA'])).toBe('PCMA');
    expect(callCodec([], ['G729', 'PCMU'])).toBe('G729');
    expect(callCodec(['PCMA'], [])).toBe('PCMA');
    expect(callCodec([], [])).toBe('PCMU');
    expect(callCodec(['G729'], ['PCMU'])).toBeNull();
  });

  it('reads the three hold forms of SDP', () => {
    const offer = { address: '10.0.0.5', port: 4000, codecs: [], direction: 'sendrecv' } as const;
    expect(isHoldOffer(offer)).toBe(false);
    expect(isHoldOffer({ ...offer, direction: 'sendonly' })).toBe(true);
    expect(isHoldOffer({ ...offer, direction: 'inactive' })).toBe(true);
    expect(isHoldOffer({ ...offer, address: '0.0.0.0' })).toBe(true);
    expect(isHoldOffer({ ...offer, direction: 'recvonly' })).toBe(false);
  });
});
