import { expect, it } from 'vitest';
import type { Device } from './device.js';
import { DEFAULT_ENTERPRISE_PARAMETERS } from './enterprise-parameters.js';
import type { EnterpriseParameters } from './enterprise-parameters.js';
import { phoneModel } from './phone-models.js';
import { decideRegistration } from './registration.js';
import type { RegistrationRequest } from './registration.js';

const node = { name: 'cm1', autoRegistration: { enabled: true, startingDn: '1000', endingDn: '1999' } };
const device: Device = {
  name: 'SEP0011223344AA',
  model: '7961',
  protocol: 'SIP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '2001' }],
  loadId: null,
};
const request = (over: Partial<RegistrationRequest> = {}): RegistrationRequest => ({
  deviceName: 'SEP0011223344AA',
  protocol: 'SIP',
  model: phoneModel('7961'),
  announcedModel: 'Cisco-CP7961G/8.0',
  address: '10.0.0.5:5060',
  ...over,
});
const refused: EnterpriseParameters = {
  ...DEFAULT_ENTERPRISE_PARAMETERS,
  autoRegistrationPhoneProtocol: 'SIP',
  sipDevicesWithoutCredentials: 'refused',
};

it('lets SIP devices without credentials register by default, as CUCM’s non-secure profile', () => {
  const parameters = { ...DEFAULT_ENTERPRISE_PARAMETERS, autoRegistrationPhoneProtocol: 'SIP' as const };
  expect(decideRegistration(request(), { device, node, parameters }).kind).toBe('accept');
  expect(decideRegistration(request(), { device: null, node, parameters }).kind).toBe('auto-register');
});

it('refuses a SIP device that did not prove itself when they are refused, configured or auto-registering', () => {
  for (const known of [device, null]) {
    const decision = decideRegistration(request(), { device: known, node, parameters: refused });
    expect(decision).toMatchObject({
      kind: 'reject',
      rejection: { reason: 'sip-credentials-required', sip: { status: 403 } },
    });
    if (decision.kind === 'reject') {
      expect(decision.rejection.message).toContain('SIP Devices Without Credentials');
      expect(decision.rejection.remedy).toContain('Device > Phone > SIP Credentials');
    }
  }
});

it('accepts a SIP device that passed digest, and never asks SCCP phones for credentials', () => {
  expect(
    decideRegistration(request({ authenticated: true }), { device, node, parameters: refused }).kind,
  ).toBe('accept');
  const sccp = { ...device, protocol: 'SCCP' as const };
  expect(
    decideRegistration(request({ protocol: 'SCCP', model: phoneModel('7961') }), {
      device: sccp,
      node,
      parameters: refused,
    }).kind,
  ).toBe('accept');
});

it('still names the more telling reason first: a SIP phone configured as SCCP', () => {
  const sccp = { ...device, protocol: 'SCCP' as const };
  expect(decideRegistration(request(), { device: sccp, node, parameters: refused })).toMatchObject({
    rejection: { reason: 'device-protocol-mismatch' },
  });
});
