import { describe, expect, it } from 'vitest';
import { isUniversalLoader, protocolOfLoad } from './load.js';

describe('protocolOfLoad', () => {
  it('reads the third character of 7940/7960 loads', () => {
    expect(protocolOfLoad('P00308010200')).toBe('SCCP');
    expect(protocolOfLoad('P0S3-8-12-00')).toBe('SIP');
    expect(protocolOfLoad('P0S3-08-11-00')).toBe('SIP');
    expect(protocolOfLoad('P0M3-08-11-00')).toBe('MGCP');
    expect(protocolOfLoad('P00303020214')).toBe('SCCP');
  });

  it('reads the prefix of 79x1/79x2/797x loads', () => {
    expect(protocolOfLoad('SIP41.8-5-2SR1S')).toBe('SIP');
    expect(protocolOfLoad('SCCP41.9-4-2SR1-1S')).toBe('SCCP');
    expect(protocolOfLoad('SIP45.9-4-2-1SR3-1S')).toBe('SIP');
    expect(protocolOfLoad('SCCP70.9-3-1SR4-1S')).toBe('SCCP');
    expect(protocolOfLoad('sip11.9-4-2SR1-1S')).toBe('SIP');
  });

  it('reads 7902/7905/7912 loads', () => {
    expect(protocolOfLoad('CP7912080004SCCP080108A')).toBe('SCCP');
    expect(protocolOfLoad('CP7905080003SIP080108A')).toBe('SIP');
  });

  it('does not guess: the universal loader and unknown names have no protocol', () => {
    expect(protocolOfLoad('P003-8-12-00')).toBeNull();
    expect(isUniversalLoader('P003-8-12-00')).toBe(true);
    expect(isUniversalLoader('P00308010200')).toBe(false);
    expect(protocolOfLoad('term41.default')).toBeNull();
    expect(protocolOfLoad('')).toBeNull();
  });
});
