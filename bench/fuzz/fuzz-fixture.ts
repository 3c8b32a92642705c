/**
 * What the fuzzer puts on the node before it attacks, through the REST API as an administrator
 * would: the bystander phones (an SCCP 7940 and a SIP 7960), the device the SCCP probe registers,
 * a few phones the fuzzed inputs name (so that some REGISTERs and Registers are accepted and the
 * paths after acceptance are fuzzed too), and a read-only user whose API key the probes use. The
 * key, unlike the administrator's password, cannot be locked out by fuzzed sign-ins.
 */
import { randomBytes } from 'node:crypto';
import type { BystanderPhones } from './bystanders.js';
import type { NodeUnderTest } from './node-under-test.js';
import { api, basicAuth } from './node-api.js';

export interface FuzzFixture {
  readOnlyKey: string;
  nodeName: string;
  bystanders: BystanderPhones;
  /** The device the SCCP liveness probe registers. */
  sccpProbe: string;
  /** Configured phones that fuzzed inputs name. */
  fuzzSccpNames: string[];
  fuzzSipMacs: string[];
}

// Bystanders and the probe: MACs far from the fuzzed ones (which start with FA).
const SCCP_BYSTANDER = 'SEP00BB57A0D001';
const SIP_BYSTANDER_MAC = '00bb57a0d002';
const SCCP_PROBE = 'SEP00BB57A0D0FE';
const FUZZ_SCCP = ['SEPFA00000000A1', 'SEPFA00000000A2'];
const FUZZ_SIP = ['fa00000000b1', 'fa00000000b2'];
const READER = 'fuzz-reader';

interface PhoneSpec {
  name: string;
  model: string;
  protocol: 'SCCP' | 'SIP';
  dn: string;
}

const PHONES: PhoneSpec[] = [
  { name: SCCP_BYSTANDER, model: '7940', protocol: 'SCCP', dn: '2901' },
  { name: `SEP${SIP_BYSTANDER_MAC.toUpperCase()}`, model: '7960', protocol: 'SIP', dn: '2902' },
  { name: SCCP_PROBE, model: '7940', protocol: 'SCCP', dn: '2903' },
  ...FUZZ_SCCP.map((name, i) => ({ name, model: '7940', protocol: 'SCCP' as const, dn: `291${i}` })),
  ...FUZZ_SIP.map((mac, i) => ({
    name: `SEP${mac.toUpperCase()}`,
    model: i === 0 ? '7960' : '7975',
    protocol: 'SIP' as const,
    dn: `292${i}`,
  })),
];

export async function prepareNode(node: NodeUnderTest): Promise<FuzzFixture> {
  const admin = basicAuth('CCMAdministrator', node.adminPassword);
  const nodes = await api(node, 'GET', '/api/v1/nodes', admin);
  if (nodes.status !== 200)
    throw new Error(
      `cannot use the node's API as CCMAdministrator (${nodes.status}: ${nodes.text.slice(0, 200)}): check --password / OPENUCM_ADMIN_PASSWORD`,
    );
  const nodeName = (JSON.parse(nodes.text) as { name: string }[])[0]?.name ?? node.nodeName;
  for (const phone of PHONES) {
    const created = await api(node, 'POST', '/api/v1/phones', admin, {
      name: phone.name,
      model: phone.model,
      protocol: phone.protocol,
      description: 'openucm fuzz',
      lines: [{ index: 1, dn: phone.dn }],
    });
    // 409: a previous run against this node created it.
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`cannot add ${phone.name}: ${created.status} ${created.text.slice(0, 300)}`);
  }
  const password = randomBytes(12).toString('base64url');
  const user = await api(node, 'POST', '/api/v1/users', admin, { name: READER, role: 'read-only', password });
  if (user.status === 409) await api(node, 'PATCH', `/api/v1/users/${READER}`, admin, { password });
  else if (user.status !== 201)
    throw new Error(`cannot add user ${READER}: ${user.status} ${user.text.slice(0, 300)}`);
  const key = await api(node, 'POST', '/api/v1/api-keys', admin, {
    label: 'openucm fuzz probes',
    user: READER,
  });
  if (key.status !== 201)
    throw new Error(`cannot create an API key: ${key.status} ${key.text.slice(0, 300)}`);
  return {
    readOnlyKey: (JSON.parse(key.text) as { key: string }).key,
    nodeName,
    bystanders: { sccpName: SCCP_BYSTANDER, sipMac: SIP_BYSTANDER_MAC, sipDn: '2902' },
    sccpProbe: SCCP_PROBE,
    fuzzSccpNames: FUZZ_SCCP,
    fuzzSipMacs: FUZZ_SIP,
  };
}
