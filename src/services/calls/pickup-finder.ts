import type { Call } from '../../core/call/call.js';
import { originLeg } from '../../core/call/call.js';
import type { DnFeatures } from '../../core/line-settings.js';

/**
 * The call a phone picks up in pickup group `group` (CUCM Call Pickup): of the calls ringing on a
 * DN of that group other than the picker's own, the one that rings longest; never a call the
 * picker's device placed itself. Undefined when there is none.
 */
export function callToPickUp(
  calls: Iterable<Call>,
  group: string,
  picker: { deviceName: string; dn: string },
  features: (dn: string) => DnFeatures,
): Call | undefined {
  let oldest: Call | undefined;
  for (const call of calls) {
    if (call.state !== 'alerting' || call.calledDn === null || call.calledDn === picker.dn) continue;
    if (originLeg(call).deviceName === picker.deviceName) continue;
    if (features(call.calledDn).pickupGroup !== group) continue;
    if (!oldest || call.originatedAt < oldest.originatedAt) oldest = call;
  }
  return oldest;
}
