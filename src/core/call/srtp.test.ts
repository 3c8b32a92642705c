import { describe, expect, it } from 'vitest';
import { CallDriver, START, rtp, sccpPhone, sipPhone, target } from '../../../test/support/call-driver.js';
import { conferenceParties } from './conference.js';
import { joinCalls } from './join.js';
import type { OriginatingDevice } from './call.js';
import type { LegCommand } from './call-command.js';
import type { MediaDescription } from './media.js';
import type { CryptoAttribute, MediaEncryption, SrtpDescription, SrtpSide } from './srtp.js';
import { decideSrtp } from './srtp.js';

const KEY_A = 'inline:' + Buffer.alloc(30, 0xa).toString('base64');
const KEY_B = 'inline:' + Buffer.alloc(30, 0xb).toString('base64');
const line = (
  tag: number,
  keyParams: string,
  suite: CryptoAttribute['suite'] = 'AES_CM_128_HMAC_SHA1_80',
) => ({
  tag,
  suite,
  keyParams,
  sessionParams: [],
});
const sdes = (lines: CryptoAttribute[], mandatory = true): SrtpDescription => ({ lines, mandatory });

function side(policy: MediaEncryption, srtp: SrtpDescription | null | undefined): SrtpSide {
  return { deviceName: 'SEPX', policy, srtp, without: 'offered no a=crypto' };
}

describe('decideSrtp', () => {
  const offer = sdes([line(1, KEY_A)]);
  it('encrypts when both ends can and want, in the caller’s first suite the callee has', () => {
    const both = sdes([line(1, KEY_A, 'AES_CM_128_HMAC_SHA1_32'), line(2, KEY_A)]);
    expect(decideSrtp(side('preferred', both), side('preferred', sdes([line(7, KEY_B)])))).toEqual({
      kind: 'encrypted',
      suite: 'AES_CM_128_HMAC_SHA1_80',
    });
  });
  it('off never encrypts; preferred falls back to RTP when the other cannot', () => {
    const bestEffort = sdes([line(1, KEY_A)], false);
    expect(decideSrtp(side('off', bestEffort), side('preferred', bestEffort)).kind).toBe('plain');
    // A peer that offered RTP/SAVP alone takes nothing else: an 'off' caller cannot talk to it.
    expect(decideSrtp(side('off', bestEffort), side('preferred', offer)).kind).toBe('refused');
    expect(decideSrtp(side('preferred', sdes([line(1, KEY_A)], false)), side('preferred', null)).kind).toBe(
      'plain',
    );
  });
  it('refuses an RTP/SAVP-only offer from a device whose encryption is off', () => {
    const verdict = decideSrtp(side('off', offer), side('preferred', undefined));
    expect(verdict).toMatchObject({ kind: 'refused', reason: expect.stringContaining('only RTP/SAVP') });
  });
  it('required refuses a peer without a key, and waits for a SIP callee not heard from yet', () => {
    expect(decideSrtp(side('required', offer), side('preferred', null))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('requires encrypted media'),
    });
    expect(decideSrtp(side('required', offer), side('off', undefined)).kind).toBe('refused');
    expect(decideSrtp(side('required', offer), side('preferred', undefined)).kind).toBe('pending');
    expect(decideSrtp(side('preferred', null), side('required', undefined)).kind).toBe('refused');
  });
  it('refuses when a side demands SRTP and the suites differ', () => {
    const verdict = decideSrtp(
      side('required', offer),
      side('preferred', sdes([line(1, KEY_B, 'AEAD_AES_256_GCM')])),
    );
    expect(verdict).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('no SRTP crypto suite'),
    });
  });
});

const secure = (address: string, port: number, key: string, tag = 1): MediaDescription => ({
  ...rtp(address, port, ['PCMU']),
  srtp: sdes([line(tag, key)]),
});

function sip(name: string, dn: string, encryption: MediaEncryption): OriginatingDevice {
  return { ...sipPhone(name, dn), encryption };
}

/** A SIP phone offering SRTP calls another SIP phone (delayed offer: its key comes in its 200). */
function sipToSip(
  a: MediaEncryption,
  b: MediaEncryption,
  offer = secure('10.0.0.1', 4000, KEY_A),
): CallDriver {
  const driver = new CallDriver(sip('SEPA', '1001', a));
  driver.send({ kind: 'off-hook' });
  driver.send({ kind: 'media', leg: 1, media: offer, offer: true });
  driver.send({ kind: 'digits', digits: '1002' });
  driver.send({ kind: 'routed', targets: [target(2, sip('SEPB', '1002', b))] });
  return driver;
}

const startMedia = (commands: LegCommand[]) => commands.find((c) => c.kind === 'start-media');

describe('SRTP through the call model', () => {
  it('gives each phone the other’s key, so media is SRTP phone to phone', () => {
    const driver = sipToSip('preferred', 'preferred');
    driver.send({ kind: 'answer', leg: 2, media: secure('10.0.0.2', 5000, KEY_B, 9) });
    expect(driver.call.srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(startMedia(driver.told(1))).toMatchObject({ to: { port: 5000, srtp: { keyParams: KEY_B } } });
    expect(startMedia(driver.told(2))).toMatchObject({ to: { port: 4000, srtp: { keyParams: KEY_A } } });
  });

  it('re-points a phone when the other changes its key (a resume with new keys)', () => {
    const driver = sipToSip('preferred', 'preferred');
    driver.send({ kind: 'answer', leg: 2, media: secure('10.0.0.2', 5000, KEY_B) });
    driver.send({ kind: 'media', leg: 2, media: secure('10.0.0.2', 5000, KEY_A), offer: true });
    expect(startMedia(driver.told(1))).toMatchObject({ to: { srtp: { keyParams: KEY_A } } });
  });

  it('preferred with a callee that answers without a key: plain RTP, no key handed on', () => {
    const driver = sipToSip('preferred', 'preferred', {
      ...secure('10.0.0.1', 4000, KEY_A),
      srtp: sdes([line(1, KEY_A)], false),
    });
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.2', 5000, ['PCMU']) });
    expect(driver.call.state).toBe('connected');
    expect(driver.call.srtp).toBeUndefined();
    expect(startMedia(driver.told(1))).not.toHaveProperty('to.srtp');
  });

  it('required caller to an SCCP phone: refused with cause 65 and the reason, never rung', () => {
    const driver = new CallDriver(sip('SEPA', '1001', 'required'));
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'media', leg: 1, media: secure('10.0.0.1', 4000, KEY_A), offer: true });
    driver.send({ kind: 'digits', digits: '1002' });
    driver.send({ kind: 'routed', targets: [target(2, sccpPhone('SEPB', '1002'))] });
    expect(driver.call.state).toBe('failed');
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 65 });
    expect(driver.call.encryptionRefusal).toMatch(/SEPA requires encrypted media.*SEPB is an SCCP phone/);
    expect(driver.told(1)).toContainEqual({
      kind: 'reject',
      cause: 65,
      reason: driver.call.encryptionRefusal,
    });
    expect(driver.call.legs).toHaveLength(1);
  });

  it('an SCCP caller to a SIP phone that requires SRTP reads the prompt', () => {
    const driver = new CallDriver(sccpPhone('SEPA', '1001'));
    driver.send({ kind: 'off-hook' });
    for (const digit of '1002') driver.send({ kind: 'digit', digit });
    driver.send({ kind: 'routed', targets: [target(2, sip('SEPB', '1002', 'required'))] });
    expect(driver.told(1)).toContainEqual({ kind: 'prompt', prompt: 'encryption-refused' });
    expect(driver.call.clearing?.cause).toBe(65);
  });

  it('a required SIP callee that answers without a key is cleared and the caller refused', () => {
    const driver = sipToSip('required', 'preferred');
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.2', 5000, ['PCMU']) });
    expect(driver.call.state).toBe('failed');
    expect(driver.told(2)).toContainEqual(expect.objectContaining({ kind: 'clear', cause: 65 }));
  });

  it('a talking phone that drops its key ends the call (cause 65) when the other requires SRTP', () => {
    const driver = sipToSip('required', 'preferred');
    driver.send({ kind: 'answer', leg: 2, media: secure('10.0.0.2', 5000, KEY_B) });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 5000, ['PCMU']), offer: true });
    expect(driver.call.state).toBe('released');
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 65 });
    expect(driver.call.mediaEncrypted).toBe(true);
  });

  it('an encrypted call’s held party hears silence, not the node’s plain-RTP music', () => {
    const driver = sipToSip('preferred', 'preferred');
    driver.musicSource = { address: '10.0.0.9', port: 6000 };
    driver.send({ kind: 'answer', leg: 2, media: secure('10.0.0.2', 5000, KEY_B) });
    driver.send({ kind: 'hold', leg: 1 });
    expect(driver.told(2).map((c) => c.kind)).not.toContain('hear-music');
  });
});

/** A (SIP, preferred) talks to a SIP callee with keys: `callee` answers with `answer`. */
function talkingTo(
  id: number,
  aLeg: number,
  callee: OriginatingDevice,
  calleeLeg: number,
  answer: MediaDescription,
) {
  const driver = new CallDriver(sip('SEPA', '1001', 'preferred'), id, aLeg);
  driver.send({ kind: 'off-hook' });
  // Best effort (RTP/AVP with a=crypto): A also talks to a phone without a key.
  const offer = { ...secure('10.0.0.1', 4000 + id, KEY_A), srtp: sdes([line(1, KEY_A)], false) };
  driver.send({ kind: 'media', leg: aLeg, media: offer, offer: true });
  driver.send({ kind: 'digits', digits: callee.party.number });
  driver.send({ kind: 'routed', targets: [target(calleeLeg, callee)] });
  driver.send({ kind: 'answer', leg: calleeLeg, media: answer });
  return driver;
}

describe('SRTP across a transfer and a conference', () => {
  const KEY_C = 'inline:' + Buffer.alloc(30, 0xc).toString('base64');

  it('a transfer joins B and C with each other’s keys', () => {
    const first = talkingTo(1, 1, sip('SEPB', '1002', 'preferred'), 2, secure('10.0.0.2', 5000, KEY_B));
    const consult = talkingTo(2, 3, sip('SEPC', '1003', 'preferred'), 4, secure('10.0.0.3', 6000, KEY_C));
    const result = joinCalls({
      held: first.call,
      heldLeg: 1,
      consult: consult.call,
      consultLeg: 3,
      joinedId: 9,
      now: START,
    });
    if (typeof result === 'string') throw new Error(result);
    expect(result.joined.call.srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    const toLeg = (leg: number) =>
      result.joined.commands.find(
        (c) => c.kind === 'leg' && c.leg === leg && c.command.kind === 'start-media',
      );
    expect(toLeg(2)).toMatchObject({ command: { to: { port: 6000, srtp: { keyParams: KEY_C } } } });
    expect(toLeg(4)).toMatchObject({ command: { to: { port: 5000, srtp: { keyParams: KEY_B } } } });
  });

  it('a transfer is refused when C requires SRTP and B has no key; a conference when a party requires it', () => {
    const first = talkingTo(1, 1, sip('SEPB', '1002', 'preferred'), 2, rtp('10.0.0.2', 5000, ['PCMU']));
    const consult = talkingTo(2, 3, sip('SEPC', '1003', 'required'), 4, secure('10.0.0.3', 6000, KEY_C));
    const request = { held: first.call, heldLeg: 1, consult: consult.call, consultLeg: 3, now: START };
    expect(joinCalls({ ...request, joinedId: 9 })).toBe('encryption-mismatch');
    expect(conferenceParties(request)).toBe('encryption-required');
  });
});
