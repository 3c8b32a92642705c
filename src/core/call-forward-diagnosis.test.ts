import { describe, expect, it } from 'vitest';
import { cdr, T0 } from '../../test/support/cdrs.js';
import { forwardCheck } from './call-forward-diagnosis.js';
import type { DnFeatures } from './line-settings.js';
import { NO_DN_FEATURES } from './line-settings.js';

const facts = (forwards: Record<string, Partial<DnFeatures>>, maxHops = 12) => ({
  features: new Map(Object.entries(forwards).map(([dn, f]) => [dn, { ...NO_DN_FEATURES, ...f }])),
  maxHops,
});

describe('the call troubleshooter on forwards', () => {
  it('says a recorded call was forwarded, from which DN to which', () => {
    const record = cdr(1, T0, {
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '1003',
      lastRedirectDn: '1002',
    });
    expect(forwardCheck('1003', record, 16, facts({}))).toMatchObject({
      id: 'forward',
      status: 'info',
      detail: 'the call to 1002 was forwarded to 1003',
    });
  });

  it('names a forward loop (cause 25) with the DN to change', () => {
    const record = cdr(1, T0, { originalCalledPartyNumber: '1002', destCause_value: 25 });
    const check = forwardCheck(
      '1002',
      record,
      25,
      facts({ '1002': { forwardAll: '1003' }, '1003': { forwardAll: '1002' } }),
    );
    expect(check).toMatchObject({ status: 'problem' });
    expect(check?.detail).toContain('1002 → 1003 → 1002');
    expect(check?.fix).toContain('Call Forward All of 1003');
  });

  it('names a chain longer than the hop limit, and nothing when forwards play no part', () => {
    const check = forwardCheck(
      '1',
      null,
      null,
      facts({ '1': { forwardAll: '2' }, '2': { forwardAll: '3' } }, 1),
    );
    expect(check?.detail).toContain('hop limit of 1');
    expect(check?.fix).toContain('--call-forward-max-hops');
    expect(forwardCheck('1', null, null, facts({}))).toBeNull();
  });
});
