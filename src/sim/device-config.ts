/**
 * Reads the XML configuration a phone fetches by TFTP: `SEP<MAC>.cnf.xml` (root `device`) or
 * `XMLDefault.cnf.xml` (root `Default`), provisioning.md §2. Lenient like a phone: unknown
 * elements are ignored, missing ones take the phone's defaults.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One call manager of the group, in priority order (provisioning.md §2.1 callManagerGroup/members). */
export interface CallManagerEntry {
  /** processNodeName: the call manager's address. */
  host: string;
  /** ports/ethernetPhonePort (SCCP), default 2000. */
  sccpPort: number;
  /** ports/sipPort, default 5060. */
  sipPort: number;
  priority: number;
}

/** A line of `sipProfile/sipLines` (79x1+ SIP loads, provisioning.md §2.2). */
export interface XmlSipLine {
  button: number;
  name: string;
  displayName?: string;
  authName?: string;
  authPassword?: string;
  /** `USECALLMANAGER` or a host. */
  proxy?: string;
  port?: number;
}

export interface DeviceConfig {
  /** `device` (SEP<MAC>.cnf.xml) or `Default` (XMLDefault.cnf.xml). */
  kind: 'device' | 'default';
  /** deviceProtocol, when the file says. */
  protocol?: 'SCCP' | 'SIP';
  callManagers: CallManagerEntry[];
  /** The load this phone must run, when the file names one ('' / absent = no forced load). */
  loadId?: string;
  sipLines: XmlSipLine[];
}

export class DeviceConfigError extends Error {}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'member' || name === 'line',
});

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Child element by name, case-insensitively (phones are forgiving about case). */
function child(node: unknown, name: string): unknown {
  if (!isNode(node)) return undefined;
  if (name in node) return node[name];
  const lower = name.toLowerCase();
  const key = Object.keys(node).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : node[key];
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number') return String(node);
  if (isNode(node) && typeof node['#text'] === 'string') return node['#text'].trim();
  return undefined;
}

function num(node: unknown, fallback: number): number {
  const n = Number(text(node));
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : fallback;
}

/** Finds the first element named `name` anywhere under `node` (depth-first). */
function find(node: unknown, name: string): unknown {
  if (!isNode(node)) return undefined;
  const direct = child(node, name);
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const found = find(v, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function callManagers(root: unknown): CallManagerEntry[] {
  const group = find(root, 'callManagerGroup');
  const members = child(child(group, 'members'), 'member');
  const list = Array.isArray(members) ? members : members === undefined ? [] : [members];
  const entries: CallManagerEntry[] = [];
  list.forEach((member, i) => {
    const cm = child(member, 'callManager');
    const host = text(child(cm, 'processNodeName'));
    if (!host) return;
    const ports = child(cm, 'ports');
    const priority = Number(isNode(member) ? member['@_priority'] : i);
    entries.push({
      host,
      sccpPort: num(child(ports, 'ethernetPhonePort'), 2000),
      sipPort: num(child(ports, 'sipPort'), 5060),
      priority: Number.isFinite(priority) ? priority : i,
    });
  });
  return entries.sort((a, b) => a.priority - b.priority);
}

/**
 * The load for a phone model: `loadInformation` in a SEP file; in XMLDefault
 * `loadInformation<N>` with N the device type (provisioning.md §2.3), or one whose `model`
 * attribute names the model.
 */
function loadFor(
  root: Node,
  kind: DeviceConfig['kind'],
  deviceType: number,
  model: string,
): string | undefined {
  if (kind === 'device') return text(child(root, 'loadInformation')) || undefined;
  const byType = text(child(root, `loadInformation${deviceType}`));
  if (byType !== undefined) return byType || undefined;
  for (const [key, value] of Object.entries(root)) {
    if (!/^loadInformation\d+$/i.test(key) || !isNode(value)) continue;
    const label = String(value['@_model'] ?? '');
    if (new RegExp(`\\b${model}\\b`).test(label)) return text(value) || undefined;
  }
  return undefined;
}

function sipLines(root: unknown): XmlSipLine[] {
  const lines = child(find(root, 'sipLines'), 'line');
  if (!Array.isArray(lines)) return [];
  const result: XmlSipLine[] = [];
  lines.forEach((line, i) => {
    // featureID 9 = line (provisioning.md §2.2); speed dials and others are not registered.
    const feature = text(child(line, 'featureID'));
    if (feature !== undefined && feature !== '9') return;
    const name = text(child(line, 'name'));
    if (!name) return;
    const button = Number(isNode(line) ? (line['@_button'] ?? i + 1) : i + 1);
    result.push({
      button: Number.isInteger(button) ? button : i + 1,
      name,
      displayName: text(child(line, 'displayName')),
      authName: text(child(line, 'authName')),
      authPassword: text(child(line, 'authPassword')),
      proxy: text(child(line, 'proxy')),
      port: num(child(line, 'port'), 0) || undefined,
    });
  });
  return result;
}

/** Parses a SEP<MAC>.cnf.xml or XMLDefault.cnf.xml for a phone of `model` / `deviceType`. */
export function parseDeviceConfig(xml: string, phone: { model: string; deviceType: number }): DeviceConfig {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new DeviceConfigError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (error) {
    throw new DeviceConfigError(`not well-formed XML: ${(error as Error).message}`);
  }
  const rootName = isNode(doc) ? Object.keys(doc).find((k) => /^(device|default)$/i.test(k)) : undefined;
  if (!rootName || !isNode(doc))
    throw new DeviceConfigError('root element is neither <device> nor <Default>');
  const root = doc[rootName];
  const node: Node = isNode(root) ? root : {};
  const kind = rootName.toLowerCase() === 'device' ? 'device' : 'default';
  const protocol = text(child(node, 'deviceProtocol'))?.toUpperCase();
  return {
    kind,
    protocol: protocol === 'SIP' || protocol === 'SCCP' ? protocol : undefined,
    callManagers: callManagers(node),
    loadId: loadFor(node, kind, phone.deviceType, phone.model),
    sipLines: sipLines(node),
  };
}
