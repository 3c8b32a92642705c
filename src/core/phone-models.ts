import type { DeviceProtocol } from './device.js';

/** One phone model of the catalogue: what the call manager needs to know to serve it. */
export interface PhoneModel {
  /** Marketing number used throughout the API, e.g. `7940`. */
  model: string;
  /** Name as CUCM shows it, e.g. `Cisco 7940`. */
  displayName: string;
  /** Device type number the phone sends in the SCCP Register message (sccp.md §4). */
  sccpDeviceType: number;
  /** Protocols its firmware exists for. */
  protocols: readonly DeviceProtocol[];
  /** Line buttons on the phone itself (no sidecar): sizes the button template. */
  lineButtons: number;
  /** Last public firmware per protocol (provisioning.md §3.3); Device Defaults start from these. */
  defaultLoads: Partial<Record<DeviceProtocol, string>>;
}

const both = ['SCCP', 'SIP'] as const;

// Device types: sccp.md §4 (chan-sccp, cross-checked with Wireshark). 7961GE=308, 7941GE=309 per chan-sccp.
const MODELS: PhoneModel[] = [
  {
    model: '7910',
    displayName: 'Cisco 7910',
    sccpDeviceType: 6,
    protocols: ['SCCP'],
    lineButtons: 1,
    defaultLoads: {},
  },
  {
    model: '7960',
    displayName: 'Cisco 7960',
    sccpDeviceType: 7,
    protocols: both,
    lineButtons: 6,
    defaultLoads: { SCCP: 'P00308010200', SIP: 'P0S3-8-12-00' },
  },
  {
    model: '7940',
    displayName: 'Cisco 7940',
    sccpDeviceType: 8,
    protocols: both,
    lineButtons: 2,
    defaultLoads: { SCCP: 'P00308010200', SIP: 'P0S3-8-12-00' },
  },
  {
    model: '7941',
    displayName: 'Cisco 7941',
    sccpDeviceType: 115,
    protocols: both,
    lineButtons: 2,
    defaultLoads: { SCCP: 'SCCP41.9-4-2SR1-1S', SIP: 'SIP41.9-4-2SR1-1S' },
  },
  {
    model: '7971',
    displayName: 'Cisco 7971',
    sccpDeviceType: 119,
    protocols: both,
    lineButtons: 8,
    defaultLoads: { SCCP: 'SCCP70.9-4-2SR1-1S', SIP: 'SIP70.9-4-2SR1-1S' },
  },
  {
    model: '7911',
    displayName: 'Cisco 7911',
    sccpDeviceType: 307,
    protocols: both,
    lineButtons: 1,
    defaultLoads: { SCCP: 'SCCP11.9-4-2SR1-1S', SIP: 'SIP11.9-4-2SR1-1S' },
  },
  {
    model: '7961GE',
    displayName: 'Cisco 7961G-GE',
    sccpDeviceType: 308,
    protocols: both,
    lineButtons: 6,
    defaultLoads: { SCCP: 'SCCP41.9-4-2SR1-1S', SIP: 'SIP41.9-4-2SR1-1S' },
  },
  {
    model: '7941GE',
    displayName: 'Cisco 7941G-GE',
    sccpDeviceType: 309,
    protocols: both,
    lineButtons: 2,
    defaultLoads: { SCCP: 'SCCP41.9-4-2SR1-1S', SIP: 'SIP41.9-4-2SR1-1S' },
  },
  {
    model: '7906',
    displayName: 'Cisco 7906',
    sccpDeviceType: 369,
    protocols: both,
    lineButtons: 1,
    defaultLoads: { SCCP: 'SCCP11.9-4-2SR1-1S', SIP: 'SIP11.9-4-2SR1-1S' },
  },
  {
    model: '7962',
    displayName: 'Cisco 7962',
    sccpDeviceType: 404,
    protocols: both,
    lineButtons: 6,
    defaultLoads: { SCCP: 'SCCP42.9-4-2SR1-1S', SIP: 'SIP42.9-4-2SR1-1S' },
  },
  {
    model: '7942',
    displayName: 'Cisco 7942',
    sccpDeviceType: 434,
    protocols: both,
    lineButtons: 2,
    defaultLoads: { SCCP: 'SCCP42.9-4-2SR1-1S', SIP: 'SIP42.9-4-2SR1-1S' },
  },
  {
    model: '7945',
    displayName: 'Cisco 7945',
    sccpDeviceType: 435,
    protocols: both,
    lineButtons: 2,
    defaultLoads: { SCCP: 'SCCP45.9-4-2-1SR3-1S', SIP: 'SIP45.9-4-2-1SR3-1S' },
  },
  {
    model: '7965',
    displayName: 'Cisco 7965',
    sccpDeviceType: 436,
    protocols: both,
    lineButtons: 6,
    defaultLoads: { SCCP: 'SCCP45.9-4-2-1SR3-1S', SIP: 'SIP45.9-4-2-1SR3-1S' },
  },
  {
    model: '7975',
    displayName: 'Cisco 7975',
    sccpDeviceType: 437,
    protocols: both,
    lineButtons: 8,
    defaultLoads: { SCCP: 'SCCP75.9-4-2-1SR3-1S', SIP: 'SIP75.9-4-2-1SR3-1S' },
  },
  {
    model: '7970',
    displayName: 'Cisco 7970',
    sccpDeviceType: 30006,
    protocols: both,
    lineButtons: 8,
    defaultLoads: { SCCP: 'SCCP70.9-4-2SR1-1S', SIP: 'SIP70.9-4-2SR1-1S' },
  },
  {
    model: '7961',
    displayName: 'Cisco 7961',
    sccpDeviceType: 30018,
    protocols: both,
    lineButtons: 6,
    defaultLoads: { SCCP: 'SCCP41.9-4-2SR1-1S', SIP: 'SIP41.9-4-2SR1-1S' },
  },
  {
    model: 'IPCommunicator',
    displayName: 'Cisco IP Communicator',
    sccpDeviceType: 30016,
    protocols: both,
    lineButtons: 8,
    defaultLoads: {},
  },
  // Third-party and soft SIP phones that register with a SEP name or a DN and digest credentials.
  {
    model: 'ThirdPartySIP',
    displayName: 'Third-party SIP Device',
    sccpDeviceType: -1,
    protocols: ['SIP'],
    lineButtons: 1,
    defaultLoads: {},
  },
];

const byModel = new Map(MODELS.map((m) => [m.model, m]));
const byDeviceType = new Map(MODELS.filter((m) => m.sccpDeviceType >= 0).map((m) => [m.sccpDeviceType, m]));

export function phoneModels(): readonly PhoneModel[] {
  return MODELS;
}

export function phoneModel(model: string): PhoneModel | undefined {
  return byModel.get(model);
}

/** The model a phone announces with its SCCP device type, if the catalogue knows it. */
export function modelOfSccpDeviceType(deviceType: number): PhoneModel | undefined {
  return byDeviceType.get(deviceType);
}
