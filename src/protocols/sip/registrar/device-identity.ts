/**
 * Which device a REGISTER comes from, as far as the message itself says (sip-cisco.md §1.2):
 * the MAC in a Cisco `+sip.instance`, else a user part `SEP<MAC>`. Phones named neither way are
 * identified later by their digest credentials (a known DN or user name).
 */
import type { ContactValue } from '../address.js';
import type { NameAddr } from '../address.js';

// sip-cisco.md §1.2: +sip.instance="<urn:uuid:00000000-0000-0000-0000-XXXXXXXXXXXX>", the MAC in the last 12 hex digits.
const CISCO_INSTANCE = /^urn:uuid:00000000-0000-0000-0000-([0-9a-f]{12})$/i;
const SEP_USER = /^sep/i;

export type IdentitySource = 'instance' | 'user';

export interface MessageIdentity {
  /** Device name the message names (not yet validated: `SEP` plus anything). */
  readonly deviceName?: string;
  readonly source?: IdentitySource;
  /** The AOR's user part (To), e.g. a DN or `SEP…`; empty when the To URI has none. */
  readonly user: string;
}

/** The device name in a Cisco instance-id, e.g. `SEP001795A1B2C3`; undefined for other URNs. */
export function deviceNameOfInstance(instanceId: string | undefined): string | undefined {
  if (instanceId === undefined) return undefined;
  const m = CISCO_INSTANCE.exec(instanceId);
  return m === null ? undefined : `SEP${m[1].toUpperCase()}`;
}

/** Identifies the device from the Contacts' instance-ids, then from the To user part. */
export function identifyFromMessage(to: NameAddr, contacts: '*' | readonly ContactValue[]): MessageIdentity {
  const user = to.sipUri?.user ?? '';
  if (contacts !== '*') {
    for (const c of contacts) {
      const name = deviceNameOfInstance(c.instanceId);
      if (name !== undefined) return { deviceName: name, source: 'instance', user };
    }
  }
  // A user part starting with SEP is taken as the device name as written; the registration decision refuses
  // a malformed one (lower-case hex, wrong length) with a message that says what is wrong.
  if (SEP_USER.test(user)) return { deviceName: user, source: 'user', user };
  return { user };
}

/**
 * Why `name` (a To user part, %-unescaped, or a digest user name) cannot be a device or user name, or null.
 * core/device.ts: a device name is SEP + 12 hex digits (15 characters); a digest user is a CUCM user ID (at
 * most `maxLength`, 128 by default). Names are printable: no control characters.
 */
export function identityProblem(name: string, maxLength: number): string | null {
  if (name.length > maxLength)
    return `it is ${name.length} characters long; a device name has 15 (SEP and the MAC), a user name at most ${maxLength}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it holds control characters';
  return null;
}

/** The start of a name too long or too odd to print whole in a log line. */
export function nameForLog(name: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = name.slice(0, 40).replace(/[\u0000-\u001f\u007f]/g, '?');
  return name.length > 40 ? `${printable}…` : printable;
}
