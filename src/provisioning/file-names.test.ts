import { expect, it } from 'vitest';
import { classifyRequest, macOfRequest } from './file-names.js';

it('recognises the files phones ask for, in any case, and the MAC they name', () => {
  expect(classifyRequest('SEP000e84c060a6.cnf.xml')).toEqual({ kind: 'device-config', mac: '000E84C060A6' });
  expect(classifyRequest('XmlDefault.cnf.xml')).toEqual({ kind: 'xml-default' });
  expect(classifyRequest('os79xx.txt')).toEqual({ kind: 'os79xx' });
  expect(classifyRequest('SIPDefault.cnf')).toEqual({ kind: 'sip-default' });
  expect(classifyRequest('SIP000E84C060A6.cnf')).toEqual({ kind: 'sip-device', mac: '000E84C060A6' });
  expect(classifyRequest('CTLSEP0006537B84EF.tlv')).toEqual({ kind: 'trust-list', mac: '0006537B84EF' });
  expect(classifyRequest('ITLFile.tlv')).toEqual({ kind: 'trust-list', mac: null });
  expect(classifyRequest('P0S3-8-12-00.loads')).toEqual({ kind: 'other', name: 'P0S3-8-12-00.loads' });
  expect(classifyRequest('SEP000E84C060A.cnf.xml').kind).toBe('other');
  expect(macOfRequest(classifyRequest('SIP000E84C060A6.cnf'))).toBe('000E84C060A6');
});
