import { afterEach, describe, expect, it } from 'vitest';
import { trackedPhone } from './helpers.js';
import type { TrackedPhone } from './helpers.js';
import { startSippRegistrar } from './sipp.js';
import type { Sipp } from './sipp.js';
import { startFileServer } from './tftp-server.js';
import type { FileServer } from './tftp-server.js';

const MAC = '00AA11223344';

function sepFile(sipPort: number, load: string, protocol = 'SIP'): string {
  return `<?xml version="1.0"?><device><deviceProtocol>${protocol}</deviceProtocol><devicePool><callManagerGroup><members>
<member priority="0"><callManager><ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>${sipPort}</sipPort></ports><processNodeName>127.0.0.1</processNodeName></callManager></member>
</members></callManagerGroup></devicePool><loadInformation>${load}</loadInformation></device>`;
}

describe('load upgrade and protocol switch (TFTP server + SIPp registrar)', () => {
  let files: FileServer | undefined;
  let sipp: Sipp | undefined;
  let phone: TrackedPhone | undefined;

  afterEach(async () => {
    phone?.phone.stop();
    await files?.stop();
    await sipp?.stop();
    files = sipp = phone = undefined;
  });

  it('a 7940 on an SCCP load whose configuration names a SIP load upgrades, reboots and registers over SIP with digest', async () => {
    sipp = await startSippRegistrar('auth1000', 'secret');
    files = await startFileServer({
      [`SEP${MAC}.cnf.xml`]: sepFile(sipp.port, 'P0S3-8-12-00'),
      'P0S3-8-12-00.loads': 'P0S3-8-12-00.sb2\nP003-8-12-00.sbn\n',
      'P0S3-8-12-00.sb2': Buffer.alloc(5000, 1),
      'P003-8-12-00.sbn': Buffer.alloc(3000, 2),
      'OS79XX.TXT': 'P003-8-12-00\n',
      'SIPDefault.cnf': `image_version: "P0S3-8-12-00"\nproxy1_address: "127.0.0.1"\nproxy1_port: ${sipp.port}\n`,
      [`SIP${MAC}.cnf`]: 'line1_name: "1000"\nline1_authname: "auth1000"\nline1_password: "secret"\n',
    });
    phone = trackedPhone({ mac: MAC, load: 'P00308010200', tftp: { host: '127.0.0.1', port: files.port } });
    phone.phone.start();
    const registered = await phone.reach('registered');
    expect(registered).toMatchObject({
      protocol: 'SIP',
      load: 'P0S3-8-12-00',
      lines: [{ index: 1, dn: '1000' }],
    });
    expect(registered.server).toBe(`127.0.0.1:${sipp.port}`);
    expect(phone.states.map((s) => s.state)).toEqual([
      'rebooting',
      'booting',
      'upgrading',
      'upgrading',
      'upgrading',
      'rebooting',
      'booting',
      'registering',
      'registered',
    ]);
    expect(phone.states[2].message).toBe('Upgrading load P00308010200 → P0S3-8-12-00');
    // provisioning.md §1.2/§1.3: config, the load, then after the reboot the SIP files.
    expect(files.requested()).toEqual([
      `SEP${MAC}.cnf.xml`,
      'P0S3-8-12-00.loads',
      'P0S3-8-12-00.sb2',
      'P003-8-12-00.sbn',
      `SEP${MAC}.cnf.xml`,
      'OS79XX.TXT',
      'SIPDefault.cnf',
      `SIP${MAC}.cnf`,
    ]);
    const log = await sipp.logged();
    expect(log).toContain(`+sip.instance="<urn:uuid:00000000-0000-0000-0000-${MAC.toLowerCase()}>"`);
    expect(log).toContain('+u.sip!model.ccm.cisco.com="8"');
    expect(log).toMatch(/AGENT +Cisco-CP7940G\/8\.12/);
  });

  it('shows the registrar refusal text when the credentials are wrong', async () => {
    sipp = await startSippRegistrar('auth1000', 'secret');
    files = await startFileServer({
      [`SEP${MAC}.cnf.xml`]: sepFile(sipp.port, 'P0S3-8-12-00'),
      [`SIP${MAC}.cnf`]: 'line1_name: "1000"\nline1_authname: "auth1000"\nline1_password: "wrong"\n',
    });
    phone = trackedPhone({ mac: MAC, load: 'P0S3-8-12-00', tftp: { host: '127.0.0.1', port: files.port } });
    phone.phone.start();
    const rejected = await phone.reach('rejected');
    expect(rejected.message).toBe('Registration Rejected: Bad credentials for auth1000');
  });

  it('says clearly that a load is missing, keeps its load and goes on', async () => {
    files = await startFileServer({ [`SEP${MAC}.cnf.xml`]: sepFile(5060, 'P0S3-8-12-00') });
    phone = trackedPhone({ mac: MAC, load: 'P00308010200', tftp: { host: '127.0.0.1', port: files.port } });
    phone.phone.start();
    const failed = await phone.reach('failed');
    expect(failed.message).toBe('Upgrade failed: load P0S3-8-12-00 not on the TFTP server');
    expect(failed.error).toBe('load P0S3-8-12-00 not on the TFTP server');
    const next = await phone.reach('registering');
    expect(next).toMatchObject({ protocol: 'SCCP', load: 'P00308010200' });
  });
});
