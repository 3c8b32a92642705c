import { describe, expect, it } from 'vitest';
import type { Device } from './device.js';
import { DEFAULT_ENTERPRISE_PARAMETERS } from './enterprise-parameters.js';
import type { CallManagerNode } from './node.js';
import { phoneModel } from './phone-models.js';
import {
  autoRegisteredDevice,
  decideRegistration,
  refusalMarksDevice,
  takeoverRefusal,
} from './registration.js';
import type { RegistrationRequest } from './registration.js';
import { REJECTION_REASONS, rejection } from './rejection.js';

const node: CallManagerNode = {
  name: 'cm1',
  autoRegistration: { enabled: true, startingDn: '1000', endingDn: '1999' },
};
const model7940 = phoneModel('7940');
const request = (over: Partial<RegistrationRequest> = {}): RegistrationRequest => ({
  deviceName: 'SEP0011223344AA',
  protocol: 'SCCP',
  model: model7940,
  announcedModel: 'Cisco 7940',
  address: '10.0.0.5:50000',
  ...over,
});
const sccp = DEFAULT_ENTERPRISE_PARAMETERS;
const sip = { ...DEFAULT_ENTERPRISE_PARAMETERS, autoRegistrationPhoneProtocol: 'SIP' as const };

describe('decideRegistration', () => {
  it('auto-registers an unknown phone on the allowed protocol', () => {
    expect(decideRegistration(request(), { device: null, node, parameters: sccp })).toEqual({
      kind: 'auto-register',
      model: model7940,
    });
  });

  it('accepts a configured device with its lines', () => {
    const device: Device = {
      name: 'SEP0011223344AA',
      model: '7940',
      protocol: 'SCCP',
      description: 'Lobby',
      lines: [{ index: 1, dn: '2001' }],
      loadId: null,
    };
    expect(decideRegistration(request(), { device, node, parameters: sip })).toEqual({
      kind: 'accept',
      device,
    });
  });

  it('rejects an unknown SCCP phone while the auto-registration protocol is SIP, with the fix', () => {
    const d = decideRegistration(request(), { device: null, node, parameters: sip });
    expect(d.kind).toBe('reject');
    if (d.kind !== 'reject') return;
    expect(d.rejection.reason).toBe('auto-registration-protocol-mismatch');
    expect(d.rejection.remedy).toContain('auto-registration protocol is SIP');
    expect(d.rejection.remedy).toContain('Auto Registration Phone Protocol to SCCP');
    expect(d.rejection.phoneText.length).toBeLessThanOrEqual(31);
  });

  it('rejects an unknown SIP phone while the protocol is SCCP, with the seed remedy', () => {
    const d = decideRegistration(request({ protocol: 'SIP' }), { device: null, node, parameters: sccp });
    expect(d.kind === 'reject' && d.rejection.remedy).toContain(
      'auto-registration protocol is SCCP; set Enterprise Parameter Auto Registration Phone Protocol to SIP',
    );
  });

  it('rejects when auto-registration is disabled on the node', () => {
    const off = { ...node, autoRegistration: { ...node.autoRegistration, enabled: false } };
    const d = decideRegistration(request(), { device: null, node: off, parameters: sccp });
    expect(d.kind === 'reject' && d.rejection.reason).toBe('auto-registration-disabled');
  });

  it('rejects a configured device that registers over the other protocol', () => {
    const device: Device = {
      name: 'SEP0011223344AA',
      model: '7940',
      protocol: 'SIP',
      description: '',
      lines: [],
      loadId: null,
    };
    const d = decideRegistration(request(), { device, node, parameters: sccp });
    expect(d.kind === 'reject' && d.rejection.reason).toBe('device-protocol-mismatch');
    expect(d.kind === 'reject' && d.rejection.message).toContain('configured as a SIP phone');
  });

  it('rejects names that are not SEP + 12 upper-case hex digits', () => {
    for (const deviceName of ['SEP0011223344aa', 'ABC0011223344AA', 'SEP00112233', 'SEP0011223344AG']) {
      const d = decideRegistration(request({ deviceName }), { device: null, node, parameters: sccp });
      expect(d.kind === 'reject' && d.rejection.reason).toBe('invalid-device-name');
    }
  });

  it('rejects an unknown model for auto-registration', () => {
    const d = decideRegistration(request({ model: undefined, announcedModel: 'device type 4242' }), {
      device: null,
      node,
      parameters: sccp,
    });
    expect(d.kind === 'reject' && d.rejection.message).toContain('device type 4242');
  });
});

describe('a live registration is not taken over', () => {
  const device: Device = {
    name: 'SEP0011223344AA',
    model: '7940',
    protocol: 'SCCP',
    description: '',
    lines: [{ index: 1, dn: '1000' }],
    loadId: null,
  };
  const live = { protocol: 'SCCP' as const, address: '10.0.0.5:51000' };

  it('refuses a Register for a live device from another address, naming where it is registered', () => {
    const d = decideRegistration(request({ address: '10.0.0.9:52000' }), {
      device,
      node,
      parameters: sccp,
      live,
    });
    expect(d.kind).toBe('reject');
    if (d.kind !== 'reject') return;
    expect(d.rejection.reason).toBe('registered-elsewhere');
    expect(d.rejection.message).toContain('SEP0011223344AA is registered from 10.0.0.5');
    expect(d.rejection.message).toContain('from 10.0.0.9 was refused');
    expect(d.rejection.remedy).toContain(
      'If the phone really moved, it registers once the old registration ends: keepalive timeout, or Reset it from the phone page',
    );
    expect(d.rejection.phoneText.length).toBeLessThanOrEqual(31);
  });

  it('accepts the same address on another port: the phone rebooted', () => {
    const d = decideRegistration(request({ address: '10.0.0.5:53000' }), {
      device,
      node,
      parameters: sccp,
      live,
    });
    expect(d).toEqual({ kind: 'accept', device });
  });

  it('compares IPv6 addresses without their ports', () => {
    const v6 = { protocol: 'SCCP' as const, address: '[2001:db8::5]:51000' };
    expect(takeoverRefusal(request({ address: '[2001:db8::5]:40000' }), v6, 'cm1')).toBeNull();
    expect(takeoverRefusal(request({ address: '[2001:db8::9]:40000' }), v6, 'cm1')?.reason).toBe(
      'registered-elsewhere',
    );
  });

  it('lets a SIP phone that passed digest authentication move; refuses one that did not', () => {
    const sipLive = { protocol: 'SIP' as const, address: '10.0.0.5:5060' };
    const moved = request({ protocol: 'SIP', address: '10.0.0.9:5060' });
    expect(takeoverRefusal({ ...moved, authenticated: true }, sipLive, 'cm1')).toBeNull();
    const refused = takeoverRefusal(moved, sipLive, 'cm1');
    expect(refused?.sip.status).toBe(403);
    expect(refused?.remedy).toContain('expires');
    expect(refused?.remedy).toContain('SIP digest credentials');
  });

  it('also guards an unknown device being auto-registered by two addresses at once', () => {
    const d = decideRegistration(request({ address: '10.0.0.9:1' }), {
      device: null,
      node,
      parameters: sccp,
      live,
    });
    expect(d.kind === 'reject' && d.rejection.reason).toBe('registered-elsewhere');
  });

  it('a SIP registration naming a configured SCCP phone is a protocol mismatch first', () => {
    const d = decideRegistration(request({ protocol: 'SIP', address: '10.0.0.9:5060' }), {
      device,
      node,
      parameters: sccp,
      live,
    });
    expect(d.kind === 'reject' && d.rejection.reason).toBe('device-protocol-mismatch');
  });

  it('a refusal marks only a device that is not registered as Rejected', () => {
    const mismatch = 'device-protocol-mismatch' as const;
    expect(refusalMarksDevice(mismatch, { live: false, storedStatus: 'unregistered' })).toBe(true);
    expect(refusalMarksDevice(mismatch, { live: true, storedStatus: 'registered' })).toBe(false);
    // Registered on another node of the cluster, as far as the database says.
    expect(refusalMarksDevice(mismatch, { live: false, storedStatus: 'registered' })).toBe(false);
    expect(refusalMarksDevice('registered-elsewhere', { live: true, storedStatus: 'registered' })).toBe(
      false,
    );
    expect(refusalMarksDevice('auto-registration-disabled', { live: false, storedStatus: null })).toBe(false);
  });
});

it('every rejection reason has a phone text that fits a RegisterReject and a SIP status', () => {
  for (const reason of REJECTION_REASONS) {
    const r = rejection(reason, { deviceName: 'SEP0011223344AA', nodeName: 'cm1', protocol: 'SIP' });
    expect(r.phoneText.length, reason).toBeLessThanOrEqual(31);
    expect(r.message.length, reason).toBeGreaterThan(10);
    expect(r.remedy.length, reason).toBeGreaterThan(10);
    expect(r.sip.status, reason).toBeGreaterThanOrEqual(400);
  }
});

it('auto-registered devices are named after the MAC and described Auto <DN>', () => {
  expect(autoRegisteredDevice('SEP0011223344AA', model7940!, 'SCCP', '1000')).toEqual({
    name: 'SEP0011223344AA',
    model: '7940',
    protocol: 'SCCP',
    description: 'Auto 1000',
    lines: [{ index: 1, dn: '1000' }],
    loadId: null,
  });
});
