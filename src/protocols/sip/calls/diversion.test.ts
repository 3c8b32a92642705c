import { describe, expect, it } from 'vitest';
import { diversionHeaders, movedToNumber } from './diversion.js';

const local = { host: '10.0.0.9', port: 5060, transport: 'UDP' as const };

describe('Diversion (RFC 5806)', () => {
  it('gives one header per hop, the most recent first, with its reason', () => {
    expect(
      diversionHeaders(
        [
          { from: { number: '1002', name: 'Desk' }, to: '1003', reason: 'unconditional' },
          { from: { number: '1003', name: '' }, to: '1004', reason: 'no-answer' },
        ],
        local,
      ),
    ).toEqual([
      ['Diversion', '<sip:1003@10.0.0.9>;reason=no-answer;counter=1;privacy=off'],
      ['Diversion', '"Desk" <sip:1002@10.0.0.9>;reason=unconditional;counter=1;privacy=off'],
    ]);
    expect(diversionHeaders(undefined, local)).toEqual([]);
  });

  it("reads the number a phone's 302 Contact points to", () => {
    expect(movedToNumber('sip:1003@10.0.0.9:5060')).toBe('1003');
    expect(movedToNumber('sip:alice@example.com')).toBeNull();
    expect(movedToNumber(undefined)).toBeNull();
  });
});
