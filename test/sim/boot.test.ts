import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderScreen } from '../../src/sim/screen.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { trackedPhone } from './helpers.js';
import type { TrackedPhone } from './helpers.js';

interface ApiPhone {
  status: string;
  lines: { index: number; dn: string }[];
  protocol: string;
}

describe('a simulated phone against a real node', () => {
  let t: TestNode;
  const phones: TrackedPhone[] = [];
  const phone = (options: Parameters<typeof trackedPhone>[0]) => {
    const p = trackedPhone(options, t);
    phones.push(p);
    return p;
  };

  beforeEach(async () => {
    t = await startTestNode();
  });
  afterEach(async () => {
    for (const p of phones.splice(0)) p.phone.stop();
    await t.destroy();
  });

  it('an unknown 7940 boots from XMLDefault.cnf.xml and registers with DN 1000', async () => {
    const p = phone({ mac: '0011223344AA' });
    p.phone.start();
    const registered = await p.reach('registered');
    expect(registered).toMatchObject({
      protocol: 'SCCP',
      load: 'P00308010200',
      lines: [{ index: 1, dn: '1000' }],
      server: `127.0.0.1:${t.node.ports.sccp}`,
    });
    expect(p.states.map((s) => s.state)).toEqual(['rebooting', 'booting', 'registering', 'registered']);
    const screen = renderScreen(registered, Date.now(), 2);
    expect(screen).toContain('Registered (SCCP');
    expect(screen).toContain('[1] 1000');
    const api = await t.api.get<ApiPhone>('/phones/SEP0011223344AA');
    expect(api.body).toMatchObject({
      status: 'registered',
      protocol: 'SCCP',
      lines: [{ index: 1, dn: '1000' }],
    });
  });

  it('shows the server reason when it is rejected', async () => {
    await t.api.patch('/nodes/cm1', { autoRegistration: { enabled: false } });
    const p = phone({ mac: '0011223344AB' });
    p.phone.start();
    const rejected = await p.reach('rejected');
    expect(rejected.message).toBe('Registration Rejected: Auto-registration disabled');
    expect(renderScreen(rejected, Date.now(), 2)).toContain('Registration Rejected: Auto-registration');
  });

  it('Reset reboots it (TFTP again) and it registers again; Restart re-registers', async () => {
    const p = phone({ mac: '0011223344AC' });
    p.phone.start();
    await p.reach('registered');
    const before = p.states.length;
    expect((await t.api.post('/phones/SEP0011223344AC/reset', { type: 'reset' })).status).toBe(202);
    await p.reach('rebooting', before);
    const again = await p.reach('registered', before);
    expect(again.lines).toMatchObject([{ index: 1, dn: '1000' }]);
    expect(p.phone.registrations).toBe(2);
    const mark = p.states.length;
    expect((await t.api.post('/phones/SEP0011223344AC/reset', { type: 'restart' })).status).toBe(202);
    await p.reach('registered', mark);
    expect(p.phone.registrations).toBe(3);
    await eventually(
      async () => (await t.api.get<ApiPhone>('/phones/SEP0011223344AC')).body.status === 'registered',
    );
  });

  it('switches to SIP when the configuration names a SIP load: a clear error while the load is missing; once uploaded it upgrades and registers over SIP', async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    const p = phone({ mac: '0011223344AE' });
    p.phone.start();
    expect((await p.reach('failed')).message).toBe(
      'Upgrade failed: load P0S3-8-12-00 not on the TFTP server',
    );
    // It carries on with its SCCP load, which the node refuses (the auto-registration protocol is SIP).
    expect((await p.reach('rejected')).message).toBe('Registration Rejected: Auto-reg protocol is SIP');
    p.phone.stop();

    const form = new FormData();
    form.append('file', new Blob(['P0S3-8-12-00.sb2\nP003-8-12-00.sbn\n']), 'P0S3-8-12-00.loads');
    form.append('file', new Blob([new Uint8Array(4000)]), 'P0S3-8-12-00.sb2');
    form.append('file', new Blob([new Uint8Array(2000)]), 'P003-8-12-00.sbn');
    const upload = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/firmware-loads`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
      body: form,
    });
    expect(upload.status).toBe(201);
    const mark = p.states.length;
    p.phone.start();
    await p.reach('upgrading', mark);
    const sip = await p.reach('registered', mark);
    expect(sip).toMatchObject({
      protocol: 'SIP',
      load: 'P0S3-8-12-00',
      server: `127.0.0.1:${t.node.ports.sip}`,
    });
    const api = await t.api.get<ApiPhone>('/phones/SEP0011223344AE');
    expect(api.body).toMatchObject({ status: 'registered', protocol: 'SIP' });
    // The phone shows the line its SIP<MAC>.cnf named at boot: the device name, until it reads the file again.
    expect(sip.lines).toMatchObject([{ index: 1, dn: 'SEP0011223344AE' }]);
    // Reset from the node reaches the SIP phone (NOTIFY): it reboots, reads its files again and registers with its DN.
    const again = p.states.length;
    expect((await t.api.post('/phones/SEP0011223344AE/reset', { type: 'reset' })).status).toBe(202);
    await p.reach('rebooting', again);
    expect((await p.reach('registered', again)).lines).toMatchObject([{ index: 1, dn: '1000' }]);
  });

  it('re-registers after the node restarts', async () => {
    const p = phone({ mac: '0011223344AD' });
    p.phone.start();
    await p.reach('registered');
    await t.stop();
    const mark = p.states.length;
    await p.reach('registering', mark);
    // Same database, same ports (the phone's configuration names them).
    t = await startTestNode({
      database: t.database,
      config: { sccpPort: t.node.ports.sccp, tftpPort: t.node.ports.tftp },
    });
    const back = await p.reach('registered', mark);
    expect(back.lines).toMatchObject([{ index: 1, dn: '1000' }]);
  });
});
