/**
 * What a SIP phone says about itself in a REGISTER (sip-cisco.md §1.2–1.4): its model from
 * `+u.sip!model.ccm.cisco.com` or the User-Agent, and its firmware from the Reason header.
 */
import type { ContactValue } from '../address.js';
import type { SipRequest } from '../message.js';
import type { PhoneModel } from '../../../core/phone-models.js';
import { modelOfSccpDeviceType, phoneModel } from '../../../core/phone-models.js';

const MODEL_PARAM = '+u.sip!model.ccm.cisco.com';
// sip-cisco.md §1.3: User-Agent `Cisco-CP<model>[G][-GE]/<ver>`, e.g. Cisco-CP7940G/8.0, Cisco-CP7941G-GE/8.0.
const CISCO_USER_AGENT = /^Cisco-CP(\d{4})G?(-GE)?\//i;
// sip-cisco.md §1.3: Reason text `… Name=SEP… Load=SIP70.8-4-2-30S …`; newer firmware `ActiveLoad=`. Load names
// have about 20 characters: a value over 64 is no load name and is not taken (it would be stored with the device).
const LOAD = /(?:^|[\s"])(?:Active)?Load=([^\s"]{1,64})(?=[\s"]|$)/;
/** What a phone says of itself is quoted in messages and events up to this many characters, then cut with "…". */
const MAX_ANNOUNCED = 128;

function announcedText(text: string): string {
  return text.length > MAX_ANNOUNCED ? `${text.slice(0, MAX_ANNOUNCED)}…` : text;
}

export interface AnnouncedModel {
  readonly model: PhoneModel | undefined;
  /** For messages: what the phone said (`model 437`, a User-Agent). */
  readonly announced: string;
  /** The numeric CUCM device type, when the phone sent one. */
  readonly deviceType?: number;
}

/**
 * The catalogue model: sip-cisco.md §1.4's enum (the same numbers as the SCCP device types: 7 = 7960,
 * 8 = 7940, 437 = 7975, 30006 = 7970), else the Cisco User-Agent, else a third-party SIP device.
 */
export function announcedModel(
  userAgent: string | undefined,
  contacts: '*' | readonly ContactValue[],
): AnnouncedModel {
  if (contacts !== '*') {
    for (const c of contacts) {
      const raw = c.params.get(MODEL_PARAM);
      if (raw === undefined || raw === null || !/^\d{1,6}$/.test(raw)) continue;
      const deviceType = Number(raw);
      const model = modelOfSccpDeviceType(deviceType);
      const ua = userAgent === undefined ? '' : ` (${announcedText(userAgent)})`;
      return { model, announced: `model ${raw}${ua}`, deviceType };
    }
  }
  if (userAgent !== undefined) {
    const m = CISCO_USER_AGENT.exec(userAgent);
    if (m !== null) {
      const model = (m[2] !== undefined ? phoneModel(`${m[1]}GE`) : undefined) ?? phoneModel(m[1]);
      return { model, announced: announcedText(userAgent) };
    }
    // A Cisco phone whose model the catalogue lacks is not a third-party device.
    if (/^Cisco/i.test(userAgent)) return { model: undefined, announced: announcedText(userAgent) };
  }
  return {
    model: phoneModel('ThirdPartySIP'),
    announced: userAgent === undefined ? 'SIP device without User-Agent' : announcedText(userAgent),
  };
}

/** The active firmware load from a Cisco `Reason: SIP;cause=200;text="… Load=… "` header (`.loads` stripped). */
export function activeLoadOf(request: SipRequest): string | undefined {
  for (const reason of request.headers('reason')) {
    const m = LOAD.exec(reason);
    if (m !== null) return m[1].replace(/\.loads$/i, '');
  }
  return undefined;
}

/** 7940/7960 on SIP 8.x take `Event: check-sync` instead of service-control (sip-cisco.md §1.6). */
export function usesCheckSync(model: string): boolean {
  return model === '7940' || model === '7960';
}
