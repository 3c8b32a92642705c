import { describe, expect, it } from 'vitest';
import { compareLoadVersions, parseLoadVersion } from './load-version.js';

describe('parseLoadVersion', () => {
  it('reads 7940/7960 SCCP loads P003xxyyzzww', () => {
    expect(parseLoadVersion('P00308010200')).toMatchObject({
      family: 'P0',
      protocol: 'SCCP',
      parts: [8, 1, 2, 0],
      major: 8,
      display: '8.1(2)',
    });
    expect(parseLoadVersion('P00303020214')).toMatchObject({ major: 3, display: '3.2(2)' });
    expect(parseLoadVersion('P00305000200')).toMatchObject({ major: 5, display: '5.0(2)' });
    expect(parseLoadVersion('P0030301')).toMatchObject({ parts: [3, 1], display: '3.1' });
  });

  it('reads 7940/7960 SIP and MGCP loads P0S3-xx-y-zz', () => {
    expect(parseLoadVersion('P0S3-8-12-00')).toMatchObject({
      protocol: 'SIP',
      parts: [8, 12, 0],
      display: '8.12(0)',
    });
    expect(parseLoadVersion('P0S3-08-11-00')).toMatchObject({ protocol: 'SIP', major: 8 });
    expect(parseLoadVersion('P0M3-07-5-00')).toMatchObject({ protocol: 'MGCP', major: 7 });
  });

  it('reads 79x1/79x2/797x loads with their model code', () => {
    expect(parseLoadVersion('SIP41.9-4-2SR1-1S')).toMatchObject({
      family: 'TNP',
      protocol: 'SIP',
      modelCode: '41',
      parts: [9, 4, 2, 1, 1],
      major: 9,
    });
    expect(parseLoadVersion('SCCP11.7-2-1-0S')).toMatchObject({
      protocol: 'SCCP',
      modelCode: '11',
      major: 7,
    });
  });

  it('does not guess at names it does not know', () => {
    expect(parseLoadVersion('P003-8-12-00')).toBeNull();
    expect(parseLoadVersion('CP7912080004SCCP080108A')).toBeNull();
    expect(parseLoadVersion('term41.default')).toBeNull();
    expect(parseLoadVersion('')).toBeNull();
  });
});

describe('compareLoadVersions', () => {
  const v = (id: string) => parseLoadVersion(id)!;

  it('orders releases of one family', () => {
    expect(compareLoadVersions(v('P00303020214'), v('P00308010200'))).toBeLessThan(0);
    expect(compareLoadVersions(v('P00308010200'), v('P00306010000'))).toBeGreaterThan(0);
    expect(compareLoadVersions(v('P00308010200'), v('P00308010200'))).toBe(0);
    expect(compareLoadVersions(v('P0S3-8-11-00'), v('P0S3-8-12-00'))).toBeLessThan(0);
    expect(compareLoadVersions(v('SIP41.8-5-2SR1S'), v('SIP41.9-4-2SR1-1S'))).toBeLessThan(0);
  });

  it('refuses to compare across families or TNP model codes', () => {
    expect(compareLoadVersions(v('P00308010200'), v('SCCP41.9-4-2SR1-1S'))).toBeNull();
    expect(compareLoadVersions(v('SIP41.9-4-2SR1-1S'), v('SIP42.9-4-2SR1-1S'))).toBeNull();
  });
});
