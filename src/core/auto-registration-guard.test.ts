import { describe, expect, it } from 'vitest';
import type { AutoRegistrationGuard, NewPhone } from './auto-registration-guard.js';
import {
  guardDecision,
  guardProblems,
  guardSummary,
  normalizedGuard,
  OPEN_GUARD,
} from './auto-registration-guard.js';

const phone: NewPhone = { deviceName: 'SEP001122334455', protocol: 'SCCP', model: '7960', ip: '10.9.9.9' };
const decide = (
  guard: Partial<AutoRegistrationGuard>,
  extra: Partial<Parameters<typeof guardDecision>[0]> = {},
) =>
  guardDecision({
    phone,
    guard: { ...OPEN_GUARD, ...guard },
    nodeName: 'cm1',
    approval: 'none',
    admittedLastMinute: 0,
    ...extra,
  });

describe('the auto-registration guard', () => {
  it('is open by default: every new phone is admitted', () => {
    expect(decide({})).toEqual({ kind: 'admit' });
    expect(decide({}, { admittedLastMinute: 10_000 })).toEqual({ kind: 'admit' });
  });

  it('refuses a phone outside the subnets, naming the rule and what to change', () => {
    const d = decide({ allowedSubnets: ['10.1.0.0/16'] });
    expect(d.kind).toBe('refuse');
    if (d.kind !== 'refuse') return;
    expect(d.rejection.reason).toBe('auto-registration-subnet');
    expect(d.rejection.message).toBe(
      'SEP001122334455 (7960) from 10.9.9.9 is not in the auto-registration subnets of cm1 (10.1.0.0/16)',
    );
    expect(d.rejection.remedy).toContain('Add its subnet on System > Cisco Unified CM > cm1');
    expect(d.rejection.remedy).toContain('configure the phone under Device > Phone');
    expect(d.rejection.sip.status).toBe(403);
    expect(decide({ allowedSubnets: ['10.1.0.0/16', '10.9.0.0/16'] })).toEqual({ kind: 'admit' });
    expect(decide({ allowedSubnets: ['2001:db8::/32'] }).kind).toBe('refuse');
  });

  it('refuses a MAC vendor or a model that is not allowed', () => {
    const oui = decide({ allowedOuis: ['001BD4'] });
    expect(oui.kind === 'refuse' && oui.rejection.reason).toBe('auto-registration-oui');
    expect(oui.kind === 'refuse' && oui.rejection.message).toContain('OUI) 001122, which is not among');
    expect(oui.kind === 'refuse' && oui.rejection.remedy).toContain('Add 001122 to Allowed MAC OUIs');
    expect(decide({ allowedOuis: ['001122'] })).toEqual({ kind: 'admit' });
    const model = decide({ allowedModels: ['7941', '7961GE'] });
    expect(model.kind === 'refuse' && model.rejection.reason).toBe('auto-registration-model');
    expect(model.kind === 'refuse' && model.rejection.message).toContain('(allowed: 7941, 7961GE)');
    expect(decide({ allowedModels: ['7960'] })).toEqual({ kind: 'admit' });
  });

  it('admits N new phones a minute and tells the next one to retry later', () => {
    const full = decide({ newPhonesPerMinute: 2 }, { admittedLastMinute: 2 });
    expect(full.kind === 'refuse' && full.rejection.reason).toBe('auto-registration-rate');
    expect(full.kind === 'refuse' && full.rejection.sip).toMatchObject({ status: 503, retryAfter: 60 });
    expect(full.kind === 'refuse' && full.rejection.message).toContain(
      'its limit of 2 new phones in the last minute',
    );
    expect(decide({ newPhonesPerMinute: 2 }, { admittedLastMinute: 1 })).toEqual({ kind: 'admit' });
  });

  it('holds new phones for approval; an accepted one is admitted, a refused one refused', () => {
    const held = decide({ approvalRequired: true });
    expect(held.kind).toBe('hold');
    expect(held.kind === 'hold' && held.rejection.reason).toBe('awaiting-approval');
    expect(held.kind === 'hold' && held.rejection.sip).toMatchObject({ status: 480 });
    expect(decide({ approvalRequired: true }, { approval: 'pending' }).kind).toBe('hold');
    expect(
      decide(
        { approvalRequired: true, newPhonesPerMinute: 1 },
        { approval: 'accepted', admittedLastMinute: 1 },
      ),
    ).toEqual({
      kind: 'admit',
    });
    const refused = decide({ approvalRequired: true }, { approval: 'refused' });
    expect(refused.kind === 'refuse' && refused.rejection.reason).toBe('approval-refused');
    // The rules come first: a phone from outside the subnets never reaches the queue.
    const outside = decide(
      { approvalRequired: true, allowedSubnets: ['10.1.0.0/16'] },
      { approval: 'accepted' },
    );
    expect(outside.kind === 'refuse' && outside.rejection.reason).toBe('auto-registration-subnet');
  });

  it('checks each field and names it with its rule', () => {
    expect(guardProblems(OPEN_GUARD)).toEqual([]);
    const problems = guardProblems({
      allowedSubnets: ['10.1.0.0/33'],
      allowedOuis: ['00:1B:D4'],
      allowedModels: ['7999'],
      newPhonesPerMinute: -1,
      approvalRequired: false,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'autoRegistrationGuard.allowedSubnets',
      'autoRegistrationGuard.allowedOuis',
      'autoRegistrationGuard.allowedModels',
      'autoRegistrationGuard.newPhonesPerMinute',
    ]);
    expect(problems[0].message).toContain('prefix length of an IPv4 subnet is 0–32');
    expect(problems[1].message).toContain('"00:1B:D4" is not an OUI: write the first 6 hex digits');
    expect(problems[2].message).toContain('"7999" is not a phone model openucm knows');
    expect(problems[3].message).toContain('from 0 (no limit)');
  });

  it('writes OUIs upper case and lists each entry once', () => {
    expect(
      normalizedGuard({
        ...OPEN_GUARD,
        allowedOuis: ['001bd4', '001BD4', ' '],
        allowedSubnets: [' 10.0.0.0/8'],
      }),
    ).toMatchObject({
      allowedOuis: ['001BD4'],
      allowedSubnets: ['10.0.0.0/8'],
    });
  });

  it('says in one sentence what it lets in', () => {
    expect(guardSummary('cm1', OPEN_GUARD)).toBe(
      'Auto-registration guard is open on cm1: any subnet, any phone, no rate limit',
    );
    expect(
      guardSummary('cm1', { ...OPEN_GUARD, allowedSubnets: ['10.1.0.0/16'], newPhonesPerMinute: 5 }),
    ).toBe('Auto-registration guard on cm1: subnets 10.1.0.0/16, any phone, at most 5 new phones a minute');
    expect(guardSummary('cm1', { ...OPEN_GUARD, allowedModels: ['7960'], approvalRequired: true })).toBe(
      'Auto-registration guard on cm1: any subnet, models 7960, new phones wait for approval',
    );
  });
});
