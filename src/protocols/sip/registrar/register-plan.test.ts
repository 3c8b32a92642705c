import { expect, it } from 'vitest';
import { parseRequest, registerText } from './registrar-harness.js';
import { DEFAULT_EXPIRES_POLICY, planRegister } from './register-plan.js';

const plan = (text: string) => planRegister(parseRequest(text), DEFAULT_EXPIRES_POLICY);

it('keys Cisco bindings by instance-id and echoes the Contact without expires', () => {
  const p = plan(
    registerText({
      contact:
        '"Line 1" <sip:2006@10.0.0.5:5060>;expires=300;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";q=0.5',
    }),
  );
  expect(p).toEqual({
    kind: 'update',
    contacts: [
      {
        key: 'i:urn:uuid:00000000-0000-0000-0000-001795a1b2c3',
        uri: 'sip:2006@10.0.0.5:5060',
        text: '"Line 1" <sip:2006@10.0.0.5:5060>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";q=0.5',
        expires: 300,
        q: 0.5,
        instanceId: 'urn:uuid:00000000-0000-0000-0000-001795a1b2c3',
        regId: undefined,
        keepAlive: false,
      },
    ],
  });
});

it('keys plain bindings by URI and RFC 5626 ones by instance and reg-id', () => {
  const p = plan(
    registerText({
      contact: 'sip:a@10.0.0.5;transport=tcp, <sip:b@10.0.0.6>;+sip.instance="<urn:uuid:1>";reg-id=2',
      mac: null,
    }),
  );
  expect(p.kind === 'update' && p.contacts.map((c) => [c.key, c.text])).toEqual([
    ['u:sip:a@10.0.0.5', '<sip:a@10.0.0.5>;transport=tcp'],
    ['i:urn:uuid:1;2', '<sip:b@10.0.0.6>;+sip.instance="<urn:uuid:1>";reg-id=2'],
  ]);
});

it('allows 423 only below an hour, and an expiry of 0 at any time', () => {
  expect(plan(registerText({ expires: 59 }))).toMatchObject({ kind: 'refuse', status: 423, minExpires: 60 });
  expect(plan(registerText({ expires: 60 }))).toMatchObject({ kind: 'update', contacts: [{ expires: 60 }] });
  expect(plan(registerText({ expires: 0 }))).toMatchObject({ kind: 'update', contacts: [{ expires: 0 }] });
});

it('recognises the wildcard, a query, and a Cisco keep-alive', () => {
  expect(plan(registerText({ contact: '*', expires: 0 }))).toEqual({ kind: 'remove-all' });
  expect(plan(registerText({ contact: '*', expires: null }))).toMatchObject({ kind: 'refuse', status: 400 });
  expect(plan(registerText({ contact: null }))).toEqual({ kind: 'query' });
  expect(plan(registerText({ contact: '<sip:x@h>;expires=0;cisco-keep-alive', expires: 0 }))).toMatchObject({
    kind: 'update',
    contacts: [{ keepAlive: true, expires: 0, text: '<sip:x@h>;cisco-keep-alive' }],
  });
});
