import { describe, expect, it } from 'vitest';
import { mergeSipText, parseOsImage, parseSipText, sipSettings } from './sip-text-config.js';

describe('7940/7960 SIP text configuration', () => {
  it('parses name: value lines with comments and quotes; SIP<MAC>.cnf wins over SIPDefault.cnf', () => {
    const defaults = parseSipText(
      '# defaults\nimage_version: "P0S3-8-12-00"\nproxy1_address: 10.0.0.1 ; the CM\nproxy1_port:5060\ntimer_register_expires : 120\n',
    );
    const own = parseSipText(
      'line1_name: "1000"\nline1_authname: "auth1000"\nline1_password: "s;cret"\nproxy1_port: 5070\n',
    );
    const settings = sipSettings(mergeSipText(defaults, own));
    expect(settings).toEqual({
      imageVersion: 'P0S3-8-12-00',
      lines: [
        {
          index: 1,
          name: '1000',
          authName: 'auth1000',
          password: 's;cret',
          displayName: undefined,
          proxy: '10.0.0.1',
          proxyPort: 5070,
        },
      ],
      callManagers: [],
      register: true,
      registerExpires: 120,
      phoneLabel: undefined,
    });
  });

  it('skips unprovisioned lines and reads the call manager list', () => {
    const values = parseSipText(
      'line1_name: UNPROVISIONED\nline2_name: 2000\ncall_manager1_addr: 10.1.1.1\ncall_manager1_sip_port: 5062\n',
    );
    const settings = sipSettings(values);
    expect(settings.lines.map((l) => [l.index, l.name, l.authName])).toEqual([[2, '2000', '2000']]);
    expect(settings.callManagers).toEqual([{ host: '10.1.1.1', port: 5062 }]);
  });

  it('reads OS79XX.TXT as one image name', () => {
    expect(parseOsImage('\nP003-8-12-00\n')).toBe('P003-8-12-00');
    expect(parseOsImage('')).toBeUndefined();
  });
});
