import { describe, expect, it } from 'vitest';
import type { DiagnosisFacts } from './diagnosis.js';
import { diagnose, REJECTION_CHECK } from './diagnosis.js';
import { REJECTION_REASONS, rejection } from './rejection.js';
import type { RejectionReason } from './rejection.js';

const name = 'SEP0011223344AA';
const node = (enabled = true, startingDn = '1000', endingDn = '1999') => ({
  node: { name: 'cm1', autoRegistration: { enabled, startingDn, endingDn } },
  used: 0,
});
const facts = (over: Partial<DiagnosisFacts> = {}): DiagnosisFacts => ({
  deviceName: name,
  device: null,
  nodes: [node()],
  parameters: { autoRegistrationPhoneProtocol: 'SCCP', sipDevicesWithoutCredentials: 'allowed' },
  configuredLoad: null,
  configuredLoadAvailable: null,
  fetches: [{ at: '2026-11-25T10:00:00.000Z', file: `${name}.cnf.xml`, found: false, via: 'tftp' }],
  events: [],
  sharedDns: [],
  ...over,
});
const rejectedEvent = (reason: RejectionReason, protocol: 'SCCP' | 'SIP' = 'SCCP') => {
  const r = rejection(reason, {
    deviceName: name,
    nodeName: 'cm1',
    protocol,
    autoRegistrationProtocol: 'SIP',
  });
  return {
    at: '2026-11-25T10:00:01.000Z',
    deviceName: name,
    protocol,
    address: '10.0.0.9:5000',
    node: 'cm1',
    outcome: 'rejected' as const,
    reason,
    message: r.message,
    remedy: r.remedy,
  };
};

describe('every rejection reason has its diagnosis', () => {
  // Facts consistent with each rejection, as the server would have them.
  const situations: Record<RejectionReason, Partial<DiagnosisFacts>> = {
    'invalid-device-name': { deviceName: 'SEP0011223344aa' },
    'auto-registration-disabled': { nodes: [node(false)] },
    'auto-registration-protocol-mismatch': {
      parameters: { autoRegistrationPhoneProtocol: 'SIP', sipDevicesWithoutCredentials: 'allowed' },
    },
    'dn-range-exhausted': { nodes: [{ ...node(true, '1000', '1001'), used: 2 }] },
    'device-protocol-mismatch': {
      device: {
        name,
        model: '7940',
        protocol: 'SIP',
        description: 'x',
        lines: [],
        loadId: null,
        status: 'rejected',
        node: 'cm1',
        ipAddress: null,
        activeLoadId: null,
      },
    },
    'unsupported-model': {},
    'sip-identity-unknown': {},
    'sip-authentication-failed': {},
    'registered-elsewhere': {},
    'node-busy': {},
    'sip-digest-invalid': {},
    'sip-credentials-required': {},
    'auto-registration-subnet': {},
    'auto-registration-oui': {},
    'auto-registration-model': {},
    'auto-registration-rate': {},
    'awaiting-approval': {},
    'approval-refused': {},
    'approval-queue-full': {},
    'security-profile-requires-tls': {},
  };
  it.each(REJECTION_REASONS)('%s', (reason) => {
    const d = diagnose(facts({ ...situations[reason], events: [rejectedEvent(reason)] }));
    expect(d.firstProblem?.id).toBe(REJECTION_CHECK[reason]);
    expect(d.firstProblem?.fix?.length).toBeGreaterThan(10);
    expect(d.verdict).toContain('Fix:');
  });
});

it('names the parameter when an unknown SIP phone is refused while the protocol is SCCP', () => {
  const d = diagnose(facts({ events: [rejectedEvent('auto-registration-protocol-mismatch', 'SIP')] }));
  expect(d.firstProblem).toMatchObject({ id: 'protocol', status: 'problem' });
  expect(d.firstProblem?.fix).toContain('Set Enterprise Parameter Auto Registration Phone Protocol to SIP');
});

it('says the cause looks fixed once the parameter was switched', () => {
  const d = diagnose(
    facts({
      parameters: { autoRegistrationPhoneProtocol: 'SIP', sipDevicesWithoutCredentials: 'allowed' },
      events: [rejectedEvent('auto-registration-protocol-mismatch', 'SIP')],
    }),
  );
  expect(d.firstProblem).toBeNull();
  expect(d.checks.find((c) => c.id === 'registration')?.detail).toContain('the cause looks fixed');
});

it('flags a configured load that is not on the TFTP server, and a phone that never fetched anything', () => {
  const d = diagnose(
    facts({
      fetches: [],
      device: {
        name,
        model: '7940',
        protocol: 'SCCP',
        description: 'x',
        lines: [{ index: 1, dn: '1000' }],
        loadId: null,
        status: 'unregistered',
        node: null,
        ipAddress: null,
        activeLoadId: 'P00305000200',
      },
      configuredLoad: 'P00308010200',
      configuredLoadAvailable: false,
      sharedDns: [{ dn: '1000', devices: ['SEP0011223344BB'] }],
    }),
  );
  expect(d.firstProblem).toMatchObject({ id: 'load' });
  expect(d.firstProblem?.detail).toContain(
    'P00308010200, which is not on the TFTP server; the phone runs P00305000200',
  );
  expect(d.checks.find((c) => c.id === 'provisioning')?.status).toBe('warning');
  expect(d.checks.find((c) => c.id === 'dn-conflict')?.detail).toContain('SEP0011223344BB');
});
