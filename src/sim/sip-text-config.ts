/**
 * The 7940/7960 SIP loads' text configuration (provisioning.md §4): `SIPDefault.cnf` then
 * `SIP<MAC>.cnf`, one `name: value` per line, and `OS79XX.TXT`.
 */

/** provisioning.md §4.1: "`#` starts a comment line; `;` after a value starts a comment; strings may be in double quotes". */
export function parseSipText(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    let value = line.slice(colon + 1).trim();
    if (value.startsWith('"')) {
      const end = value.indexOf('"', 1);
      value = end > 0 ? value.slice(1, end) : value.slice(1);
    } else {
      const semicolon = value.indexOf(';');
      if (semicolon >= 0) value = value.slice(0, semicolon).trim();
    }
    if (/^[a-z0-9_]+$/.test(name)) values.set(name, value);
  }
  return values;
}

/** provisioning.md §4.1: "Precedence: flash < SIPDefault < SIP<MAC>" — later files win. */
export function mergeSipText(...files: (Map<string, string> | null)[]): Map<string, string> {
  const merged = new Map<string, string>();
  for (const f of files) if (f) for (const [k, v] of f) merged.set(k, v);
  return merged;
}

export interface SipLineSettings {
  index: number;
  name: string;
  authName: string;
  password?: string;
  displayName?: string;
  /** Registrar of the line: an address, or USECALLMANAGER. */
  proxy?: string;
  proxyPort?: number;
}

export interface SipPhoneSettings {
  /** image_version: the load the phone must run. */
  imageVersion?: string;
  lines: SipLineSettings[];
  /** call_manager1_addr… (used when a proxy is USECALLMANAGER). */
  callManagers: { host: string; port?: number }[];
  /** proxy_register (default 1). */
  register: boolean;
  /** timer_register_expires, seconds (default 3600). */
  registerExpires: number;
  phoneLabel?: string;
}

function port(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** The settings the simulator acts on, from merged SIPDefault.cnf + SIP<MAC>.cnf values. */
export function sipSettings(values: Map<string, string>): SipPhoneSettings {
  const lines: SipLineSettings[] = [];
  // provisioning.md §4.2: line1_name…line6_name, proxy1_address…proxy6_address.
  for (let i = 1; i <= 6; i++) {
    const name = values.get(`line${i}_name`);
    if (!name || name.toUpperCase() === 'UNPROVISIONED') continue;
    lines.push({
      index: i,
      name,
      authName: values.get(`line${i}_authname`) || name,
      password: values.get(`line${i}_password`) || undefined,
      displayName: values.get(`line${i}_displayname`) || undefined,
      proxy: values.get(`proxy${i}_address`) || values.get('proxy1_address') || undefined,
      proxyPort: port(values.get(`proxy${i}_port`)) ?? port(values.get('proxy1_port')),
    });
  }
  const callManagers: { host: string; port?: number }[] = [];
  for (let i = 1; i <= 5; i++) {
    const host = values.get(`call_manager${i}_addr`);
    if (host) callManagers.push({ host, port: port(values.get(`call_manager${i}_sip_port`)) });
  }
  const expires = Number(values.get('timer_register_expires'));
  return {
    imageVersion: values.get('image_version') || undefined,
    lines,
    callManagers,
    register: values.get('proxy_register') !== '0',
    registerExpires: Number.isInteger(expires) && expires > 0 ? expires : 3600,
    phoneLabel: values.get('phone_label') || undefined,
  };
}

/** provisioning.md §4.3: OS79XX.TXT is one line, the image name without extension. */
export function parseOsImage(text: string): string | undefined {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line || undefined;
}
