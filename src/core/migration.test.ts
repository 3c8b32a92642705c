import { describe, expect, it } from 'vitest';
import { effectiveDeviceDefaults } from './device-defaults.js';
import type { MigrationCandidate } from './migration.js';
import {
  autoRegistrationWarning,
  loadsToInstall,
  missingDevicePlan,
  missingLoadWarnings,
  planPhone,
  summarize,
} from './migration.js';

const defaults = effectiveDeviceDefaults([]);

function phone(over: Partial<MigrationCandidate> = {}): MigrationCandidate {
  return {
    name: 'SEP000000000001',
    model: '7940',
    protocol: 'SCCP',
    description: 'Auto 1000',
    lines: [{ index: 1, dn: '1000' }],
    loadId: null,
    activeLoadId: null,
    ...over,
  };
}

describe('planPhone SCCP → SIP', () => {
  it('sends a 7940 on SCCP 8.x straight to the SIP load of Device Defaults', () => {
    const plan = planPhone(phone({ activeLoadId: 'P00308010200' }), 'SCCP_TO_SIP', defaults);
    expect(plan).toMatchObject({
      outcome: 'migrate',
      fromProtocol: 'SCCP',
      toProtocol: 'SIP',
      runningLoadId: 'P00308010200',
      runningLoadSource: 'reported',
      intermediateLoadId: null,
      targetLoadId: 'P0S3-8-12-00',
      steps: ['switch-protocol', 'await-registration'],
      lines: [{ index: 1, dn: '1000' }],
      reason: null,
    });
  });

  it('upgrades a 7940 on SCCP 3.x or 5.x to the last SCCP load first', () => {
    for (const old of ['P00303020214', 'P00305000200']) {
      const plan = planPhone(phone({ activeLoadId: old }), 'SCCP_TO_SIP', defaults);
      expect(plan.intermediateLoadId).toBe('P00308010200');
      expect(plan.steps).toEqual(['upgrade-sccp-load', 'switch-protocol', 'await-registration']);
      expect(plan.notes[0]).toContain('installs only from SCCP 6.x or later');
    }
  });

  it('judges by the configured load when the phone did not report one', () => {
    const plan = planPhone(phone({ loadId: 'P00305000200' }), 'SCCP_TO_SIP', defaults);
    expect(plan.runningLoadSource).toBe('configured');
    expect(plan.intermediateLoadId).toBe('P00308010200');
    expect(plan.notes.some((n) => n.includes('Phone Load Name P00305000200 is cleared'))).toBe(true);
  });

  it('takes the intermediate step when the running load is unknown', () => {
    const none = defaults.map((d) =>
      d.model === '7940' && d.protocol === 'SCCP' ? { ...d, loadId: null } : d,
    );
    const plan = planPhone(phone(), 'SCCP_TO_SIP', none);
    expect(plan.runningLoadSource).toBe('unknown');
    expect(plan.intermediateLoadId).toBe('P00308010200');
  });

  it('needs no intermediate step for a SIP load older than 7.x', () => {
    const old = defaults.map((d) =>
      d.model === '7940' && d.protocol === 'SIP' ? { ...d, loadId: 'P0S3-06-3-00' } : d,
    );
    expect(
      planPhone(phone({ activeLoadId: 'P00305000200' }), 'SCCP_TO_SIP', old).intermediateLoadId,
    ).toBeNull();
  });

  it('never adds an intermediate step for 79x1 and newer', () => {
    const plan = planPhone(phone({ model: '7941', activeLoadId: 'SCCP41.8-3-1S' }), 'SCCP_TO_SIP', defaults);
    expect(plan).toMatchObject({
      intermediateLoadId: null,
      targetLoadId: 'SIP41.9-4-2SR1-1S',
      outcome: 'migrate',
    });
  });

  it('refuses a model without SIP firmware, a missing SIP load, and a load of the wrong protocol', () => {
    expect(planPhone(phone({ model: '7910' }), 'SCCP_TO_SIP', defaults)).toMatchObject({
      outcome: 'cannot-migrate',
      reason: 'Cisco 7910 has no SIP firmware: it runs SCCP only',
      steps: [],
    });
    const noSip = defaults.map((d) =>
      d.model === '7940' && d.protocol === 'SIP' ? { ...d, loadId: null } : d,
    );
    expect(planPhone(phone(), 'SCCP_TO_SIP', noSip).reason).toContain(
      'Device Defaults name no SIP load for Cisco 7940',
    );
    const wrong = defaults.map((d) =>
      d.model === '7940' && d.protocol === 'SIP' ? { ...d, loadId: 'P00308010200' } : d,
    );
    expect(planPhone(phone(), 'SCCP_TO_SIP', wrong).reason).toContain('is a SCCP load, not a SIP load');
    expect(planPhone(phone({ model: 'X1' }), 'SCCP_TO_SIP', defaults).outcome).toBe('cannot-migrate');
  });

  it('skips a phone already on the target protocol', () => {
    expect(planPhone(phone({ protocol: 'SIP' }), 'SCCP_TO_SIP', defaults)).toMatchObject({
      outcome: 'skip',
      reason: 'SEP000000000001 is already a SIP phone',
    });
  });
});

describe('planPhone SIP → SCCP', () => {
  it('goes straight to the SCCP load of Device Defaults', () => {
    const plan = planPhone(phone({ protocol: 'SIP', activeLoadId: 'P0S3-8-12-00' }), 'SIP_TO_SCCP', defaults);
    expect(plan).toMatchObject({
      outcome: 'migrate',
      fromProtocol: 'SIP',
      toProtocol: 'SCCP',
      intermediateLoadId: null,
      targetLoadId: 'P00308010200',
      steps: ['switch-protocol', 'await-registration'],
    });
  });
});

describe('autoRegistrationWarning', () => {
  const base = {
    direction: 'SCCP_TO_SIP' as const,
    parameters: {
      autoRegistrationPhoneProtocol: 'SCCP' as const,
      sipDevicesWithoutCredentials: 'allowed' as const,
    },
    migrating: 3,
    autoRegistrationNodes: ['cm1'],
  };

  it('warns when migrated phones would be refused by the auto-registration protocol, and offers the switch', () => {
    const w = autoRegistrationWarning(base);
    expect(w).toMatchObject({ code: 'auto-registration-protocol', switchTo: 'SIP' });
    expect(w!.message).toContain('Auto Registration Phone Protocol is SCCP');
    expect(w!.remedy).toContain('no restart is needed');
  });

  it('is silent when the parameter already matches, nothing migrates, or auto-registration is off', () => {
    expect(
      autoRegistrationWarning({
        ...base,
        parameters: { autoRegistrationPhoneProtocol: 'SIP', sipDevicesWithoutCredentials: 'allowed' },
      }),
    ).toBeNull();
    expect(autoRegistrationWarning({ ...base, migrating: 0 })).toBeNull();
    expect(autoRegistrationWarning({ ...base, autoRegistrationNodes: [] })).toBeNull();
  });

  it('works the other way round', () => {
    const w = autoRegistrationWarning({
      ...base,
      direction: 'SIP_TO_SCCP',
      parameters: { autoRegistrationPhoneProtocol: 'SIP', sipDevicesWithoutCredentials: 'allowed' },
    });
    expect(w?.switchTo).toBe('SCCP');
  });
});

describe('summaries and loads', () => {
  it('counts outcomes and lists the loads phones must take', () => {
    const plans = [
      planPhone(phone({ name: 'SEP000000000001', activeLoadId: 'P00303020214' }), 'SCCP_TO_SIP', defaults),
      planPhone(phone({ name: 'SEP000000000002', activeLoadId: 'P00308010200' }), 'SCCP_TO_SIP', defaults),
      planPhone(phone({ name: 'SEP000000000003', model: '7910' }), 'SCCP_TO_SIP', defaults),
      missingDevicePlan('SEP000000000004', 'SCCP_TO_SIP'),
    ];
    expect(summarize(plans)).toEqual({ total: 4, migrate: 2, withUpgrade: 1, skip: 0, cannotMigrate: 2 });
    expect(loadsToInstall(plans)).toEqual(['P00308010200', 'P0S3-8-12-00']);
    const [w] = missingLoadWarnings(plans, ['P0S3-8-12-00']);
    expect(w.message).toContain('2 phone(s)');
  });
});
