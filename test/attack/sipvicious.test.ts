/**
 * Debian's sipvicious, the SIP scanner every VoIP attacker starts with, run against a node: svmap
 * (who answers SIP here?), svwar (which extensions exist?) and svcrack (guess a device's digest
 * password). Whatever they do, the node keeps serving: its bystander phones stay registered, a new
 * phone registers, the device under attack still registers with its own password, the API answers.
 *
 * sipvicious 0.3.3 ignores --bindingip in svwar and svcrack (it is not passed on), so the tools
 * send from 127.0.0.1; the phones and the API check use 127.0.0.5, as they would sit on other
 * hosts than the attacker's.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bystanders } from '../../bench/fuzz/bystanders.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const PHONES = '127.0.0.5';
const BYSTANDERS = { sccpName: 'SEP00BB57A0D101', sipMac: '00bb57a0d102', sipDn: '2802' };
/** The device svcrack guesses at: SIP credentials for user 4001 (its DN), as CUCM's digest users are. */
const VICTIM = { name: 'SEP00C0FFEE0101', mac: '00c0ffee0101', user: '4001', password: 'Xq7-long-enough' };

let t: TestNode;
let bystanders: Bystanders;

beforeAll(async () => {
  t = await startTestNode();
  for (const [name, protocol, dn] of [
    [BYSTANDERS.sccpName, 'SCCP', '2801'],
    [`SEP${BYSTANDERS.sipMac.toUpperCase()}`, 'SIP', BYSTANDERS.sipDn],
    [VICTIM.name, 'SIP', VICTIM.user],
  ]) {
    const created = await t.api.post('/phones', {
      name,
      model: protocol === 'SIP' ? '7960' : '7940',
      protocol,
      lines: [{ index: 1, dn }],
    });
    expect(created.status).toBe(201);
  }
  const credentials = await t.api.put(`/phones/${VICTIM.name}/sip-credentials`, {
    username: VICTIM.user,
    password: VICTIM.password,
  });
  expect(credentials.status).toBe(200);
  bystanders = await Bystanders.start(
    { host: '127.0.0.1', ports: { sccp: t.node.ports.sccp, sip: t.node.ports.sip! } },
    BYSTANDERS,
    PHONES,
  );
});

afterAll(async () => {
  await bystanders?.stop();
  await t?.destroy();
});

interface ToolRun {
  code: number | null;
  output: string;
}

/** Runs a sipvicious tool to its end (they exit by themselves once nothing more answers). */
function sipvicious(tool: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A UDP port nobody uses now, for the tool's -P (its default 5060 may be taken by a parallel test). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const port = socket.address().port;
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

/** Common flags: the node's SIP port, our own source port, and our address (no lookup of it). */
async function toolArgs(): Promise<string[]> {
  return ['-p', String(t.node.ports.sip), '-P', String(await freeUdpPort()), '-x', '127.0.0.1'];
}

/** GET on the API with Basic auth from `localAddress` (not the attacker's). */
function apiGet(path: string, localAddress = PHONES): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port: t.node.ports.http,
        path: `/api/v1${path}`,
        localAddress,
        auth: `CCMAdministrator:${ADMIN_PASSWORD}`,
        timeout: 10_000,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }),
        );
      },
    );
    request.on('error', reject);
  });
}

/** The device under attack registers with its own password, from its own address, within 5 s. */
async function expectVictimRegisters(): Promise<void> {
  const phone = new SipRegistration({
    mac: VICTIM.mac,
    modelEnum: 7,
    userAgent: 'Cisco-CP7960G/8.0',
    expires: 3600,
    localAddress: PHONES,
  });
  await phone.open();
  try {
    const started = Date.now();
    const outcome = await phone.register(
      { index: 1, name: VICTIM.user, authName: VICTIM.user, password: VICTIM.password },
      { host: '127.0.0.1', port: t.node.ports.sip! },
    );
    expect(outcome.kind).toBe('registered');
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    phone.close();
  }
}

/**
 * What a user of the node notices: the phones they had are still registered, a new SCCP phone and
 * the SIP device registers, the API answers.
 */
async function expectServing(newPhone: string): Promise<void> {
  expect(bystanders.lost).toBeNull();
  for (const name of [BYSTANDERS.sccpName, `SEP${BYSTANDERS.sipMac.toUpperCase()}`]) {
    const phone = await apiGet(`/phones/${name}`);
    expect(phone.status).toBe(200);
    expect((phone.body as { status: string }).status).toBe('registered');
  }
  const station = new SccpStation({ deviceName: newPhone, deviceType: 8 });
  try {
    await station.connect('127.0.0.1', t.node.ports.sccp, PHONES);
    const started = Date.now();
    expect((await station.register(5000)).kind).toBe('registered');
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    station.destroy();
  }
  await expectVictimRegisters();
}

it('svmap finds the node, and the node keeps serving', async () => {
  const run = await sipvicious('svmap', [...(await toolArgs()), '-b', '127.0.0.1', '127.0.0.1']);
  expect(run.code, run.output).toBe(0);
  // svmap's table: the device it found and the User-Agent it answered with.
  expect(run.output).toMatch(new RegExp(`127\\.0\\.0\\.1:${t.node.ports.sip}\\s*\\|\\s*openucm/`));
  await expectServing('SEP00BB57A0D1A1');
}, 60_000);

it('svwar tries 1,000 extensions by REGISTER and by OPTIONS, learns none, and the node keeps serving', async () => {
  // --force: svwar gives up at once when a made-up extension is challenged; forced, it compares every answer.
  for (const flags of [
    ['-m', 'REGISTER'],
    ['-m', 'REGISTER', '--force'],
    ['-m', 'OPTIONS'],
  ]) {
    const run = await sipvicious('svwar', [...(await toolArgs()), ...flags, '-e', '3500-4500', '127.0.0.1']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/Traceback/);
    // 4001 is a device's digest user: it is answered as every made-up extension is.
    expect(run.output, flags.join(' ')).not.toMatch(/4001/);
    expect(run.output, flags.join(' ')).toMatch(
      /found nothing|authentication request for an unknown extension/,
    );
  }
  await expectServing('SEP00BB57A0D1A2');
}, 180_000);

it('svcrack guesses at a device password, and the node keeps serving: the device still registers with its own', async () => {
  const run = await sipvicious('svcrack', [
    ...(await toolArgs()),
    '-u',
    VICTIM.user,
    '-r',
    '1000-1299',
    '127.0.0.1',
  ]);
  // The node offers MD5 (--sip-digest-algorithms; sipvicious 0.3.3 crashes on a SHA-256 challenge):
  // svcrack guesses until its address is throttled, and must not have found the password, which is
  // not in its range.
  expect(run.code, run.output).toBe(0);
  expect(run.output).not.toContain(VICTIM.password);
  await expectServing('SEP00BB57A0D1A3');
}, 120_000);
