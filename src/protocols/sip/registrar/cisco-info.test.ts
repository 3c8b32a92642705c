import { expect, it } from 'vitest';
import { cisco7940Register, cisco7975Register } from '../../../../test/sip/fixtures/cisco.js';
import { parseMessage } from '../parser.js';
import type { SipRequest } from '../message.js';
import { activeLoadOf, announcedModel, usesCheckSync } from './cisco-info.js';
import { deviceNameOfInstance, identifyFromMessage } from './device-identity.js';

function request(text: string | Buffer): SipRequest {
  const r = parseMessage(Buffer.isBuffer(text) ? text : Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture');
  return r.message;
}

it('reads the 7975 trace: device from the instance, model 437, load from Reason', () => {
  const r = request(cisco7975Register);
  expect(identifyFromMessage(r.to, r.contacts)).toEqual({
    deviceName: 'SEP0024142DDF24',
    source: 'instance',
    user: '5678',
  });
  expect(announcedModel(r.header('user-agent'), r.contacts)).toMatchObject({
    model: { model: '7975' },
    deviceType: 437,
  });
  expect(activeLoadOf(r)).toBe('SIP75.9-3-1SR1-1S');
});

it('reads the 7940 trace: model 8 is a 7940, which takes check-sync', () => {
  const r = request(cisco7940Register);
  expect(identifyFromMessage(r.to, r.contacts).deviceName).toBe('SEP001795A1B2C3');
  const m = announcedModel(r.header('user-agent'), r.contacts);
  expect(m.model?.model).toBe('7940');
  expect(usesCheckSync('7940')).toBe(true);
  expect(usesCheckSync('7975')).toBe(false);
});

it('falls back to the User-Agent, then to a third-party device', () => {
  expect(announcedModel('Cisco-CP7941G-GE/8.0', []).model?.model).toBe('7941GE');
  expect(announcedModel('Cisco-CP7962G/9.4.2', []).model?.model).toBe('7962');
  expect(announcedModel('Cisco-CP8851/12.1.1', []).model).toBeUndefined();
  expect(announcedModel('JsSIP 3.13.8', []).model?.model).toBe('ThirdPartySIP');
  expect(announcedModel(undefined, []).model?.model).toBe('ThirdPartySIP');
});

it('takes ActiveLoad= and strips .loads', () => {
  const text = (cisco7975Register as Buffer)
    .toString()
    .replace(
      'Load=SIP75.9-3-1SR1-1S',
      'ActiveLoad=SIP75.9-4-2SR1-1S.loads InactiveLoad=SIP75.9-3-1SR1-1S.loads',
    );
  expect(activeLoadOf(request(text))).toBe('SIP75.9-4-2SR1-1S');
});

it('accepts only the Cisco instance form as a MAC', () => {
  expect(deviceNameOfInstance('urn:uuid:00000000-0000-0000-0000-0024142ddf24')).toBe('SEP0024142DDF24');
  expect(deviceNameOfInstance('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBeUndefined();
});

it('quotes at most 128 characters of what a phone says of itself, and takes no load name of 64 or more', () => {
  const ua = `Cisco-CP9999/${'x'.repeat(60_000)}`;
  expect(announcedModel(ua, []).announced).toBe(`${ua.slice(0, 128)}…`);
  expect(announcedModel(`Other/${'y'.repeat(500)}`, []).announced).toHaveLength(129);
  const text = (cisco7975Register as Buffer).toString();
  expect(
    activeLoadOf(request(text.replace('Load=SIP75.9-3-1SR1-1S', `Load=${'L'.repeat(65)}`))),
  ).toBeUndefined();
  expect(activeLoadOf(request(text.replace('Load=SIP75.9-3-1SR1-1S', `Load=${'L'.repeat(64)}`)))).toBe(
    'L'.repeat(64),
  );
});
