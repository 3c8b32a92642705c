import { expect, it } from 'vitest';
import { parseReferTo } from './refer.js';

it('reads a blind Refer-To: the target number', () => {
  expect(parseReferTo('<sip:1003@10.0.0.1>')).toEqual({ user: '1003', replaces: null });
  expect(parseReferTo('sip:1003@10.0.0.1;transport=udp')).toEqual({ user: '1003', replaces: null });
});

it('reads an attended Refer-To: Replaces with Call-ID and both tags, URL-encoded (RFC 3891 §3)', () => {
  const value =
    '"C" <sip:1003@10.0.0.1?Replaces=abc%40host%3Bto-tag%3D111%3Bfrom-tag%3D222&Require=replaces>';
  expect(parseReferTo(value)).toEqual({
    user: '1003',
    replaces: { callId: 'abc@host', toTag: '111', fromTag: '222' },
  });
});

it('refuses what names no target: no SIP URI, no user, a Replaces without both tags', () => {
  expect(parseReferTo('not a uri')).toBeNull();
  expect(parseReferTo('<tel:1003>')).toBeNull();
  expect(parseReferTo('<sip:10.0.0.1>')).toBeNull();
  expect(parseReferTo('<sip:1003@h?Replaces=abc%3Bto-tag%3D1>')).toBeNull();
});
