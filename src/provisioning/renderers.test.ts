import { XMLParser } from 'fast-xml-parser';
import { expect, it } from 'vitest';
import { renderDeviceConfig } from './device-config.js';
import {
  EMPTY_DIAL_PLAN,
  renderDialPlan,
  renderOs79xx,
  renderSipDefault,
  renderSipDevice,
} from './sip-79xx.js';
import { renderXmlDefault } from './xml-default.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });
const cms = [
  { name: 'cm1', address: '10.0.0.1', sccpPort: 2000, sipPort: 5060 },
  { name: 'cm2', address: '10.0.0.2', sccpPort: 2000, sipPort: null },
];

it('XMLDefault lists the call managers in priority order and one loadInformationN per device type', () => {
  const doc = parser.parse(
    renderXmlDefault({
      callManagers: cms,
      loads: [
        { deviceType: 8, displayName: 'Cisco 7940', loadId: 'P00308010200' },
        { deviceType: 115, displayName: 'Cisco 7941', loadId: null },
      ],
    }),
  );
  const members = doc.Default.callManagerGroup.members.member;
  expect(members.map((m: { '@_priority': string }) => m['@_priority'])).toEqual(['0', '1']);
  expect(members[0].callManager).toMatchObject({
    processNodeName: '10.0.0.1',
    ports: { ethernetPhonePort: '2000', sipPort: '5060' },
  });
  expect(members[1].callManager.ports.sipPort).toBeUndefined();
  expect(doc.Default.loadInformation8).toEqual({ '#text': 'P00308010200', '@_model': 'Cisco 7940' });
  expect(doc.Default.loadInformation115['#text']).toBeUndefined();
});

it('escapes text that an administrator typed', () => {
  const text = renderDeviceConfig({
    device: {
      name: 'SEP001122334455',
      model: '7941',
      protocol: 'SIP',
      description: 'R&D <lab>',
      lines: [{ index: 1, dn: '1000' }],
      loadId: null,
    },
    callManagers: cms,
    loadId: null,
    devicePool: 'Default',
    sipRegisterExpires: 3600,
    versionStamp: 'abc',
  });
  expect(text).toContain('R&amp;D &lt;lab&gt;');
  expect(parser.parse(text).device.sipProfile.sipLines.line.displayName).toBe('R&D <lab>');
});

it('7940 SIP text files follow the name: value format', () => {
  expect(renderOs79xx('P0S3-8-12-00 ')).toBe('P0S3-8-12-00\n');
  const defaults = renderSipDefault({
    imageVersion: 'P0S3-8-12-00',
    proxyAddress: '10.0.0.1',
    proxyPort: 5060,
    registerExpires: 3600,
  });
  expect(defaults.split('\n')).toContain('image_version: "P0S3-8-12-00"');
  expect(defaults.split('\n')).toContain('timer_register_expires: 3600');
  const device = renderSipDevice({
    deviceName: 'SEP001122334455',
    label: '1000',
    lines: [
      { index: 1, dn: '1000' },
      { index: 2, dn: '1001' },
    ],
    proxyAddress: '10.0.0.1',
    proxyPort: 5060,
    credentials: { authName: 'u1000', authPassword: 'pw' },
  });
  expect(device).toContain('line2_name: "1001"');
  expect(device).toContain('line1_authname: "u1000"');
  expect(() =>
    renderSipDevice({
      deviceName: 'SEP001122334455',
      label: 'x',
      lines: [],
      proxyAddress: 'a',
      proxyPort: 1,
      credentials: { authName: 'u', authPassword: 'p"w' },
    }),
  ).toThrow(/double quote/);
});

it('dialplan.xml sends a DN at once unless a longer DN begins with it, and anything else after the inter-digit time', () => {
  expect(renderDialPlan([], 15)).toBe(EMPTY_DIAL_PLAN);
  const doc = parser.parse(renderDialPlan(['1001', '1002', '100', '20001'], 15));
  expect(doc.DIALTEMPLATE.TEMPLATE).toEqual([
    { '@_MATCH': '...', '@_Timeout': '15', '@_User': 'Phone' },
    { '@_MATCH': '....', '@_Timeout': '0', '@_User': 'Phone' },
    { '@_MATCH': '.....', '@_Timeout': '0', '@_User': 'Phone' },
    { '@_MATCH': '\\*8', '@_Timeout': '0', '@_User': 'Phone' },
    { '@_MATCH': '\\*9*', '@_Timeout': '15', '@_User': 'Phone' },
    { '@_MATCH': '*', '@_Timeout': '15', '@_User': 'Phone' },
  ]);
});

it('a 79x1 SIP configuration names the dial template, so that off-hook dialling sends the whole number', () => {
  const doc = parser.parse(
    renderDeviceConfig({
      device: {
        name: 'SEP001122334455',
        model: '7961',
        protocol: 'SIP',
        description: 'x',
        lines: [{ index: 1, dn: '1001' }],
        loadId: null,
      },
      devicePool: 'Default',
      callManagers: cms,
      loadId: null,
      versionStamp: '1',
      sipRegisterExpires: 3600,
      credentials: null,
    }),
  );
  expect(doc.device.sipProfile.dialTemplate).toBe('dialplan.xml');
});
