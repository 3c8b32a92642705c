import type { CallEvent, RouteTarget } from '../../core/call/call-event.js';
import { Q850 } from '../../core/call/q850.js';
import type { MediaEncryption } from '../../core/call/srtp.js';
import type { CallDevice } from './call-ports.js';
import type { DnLocation } from './dn-locator.js';

export interface RouteView {
  /** The calling device: never offered its own call. */
  caller: string;
  /** The devices attached to this node's call service. */
  devices: ReadonlyMap<string, CallDevice>;
  /** Whether a device has as many calls as it may hold (the node's --call-max-per-device). */
  busy(deviceName: string): boolean;
  /** The live calls of a device's line appearance, and of the whole device. */
  callsOn(deviceName: string, line: number): { line: number; device: number };
  nextLegId(): number;
  /** A device's media encryption policy. */
  encryption?(deviceName: string): MediaEncryption;
}

/**
 * Which of the DN's devices are offered the call. A DN on no registered device is "subscriber
 * absent" (cause 20, SIP 480); a DN whose devices are all at their busy trigger or call limit is busy (17): CUCM
 * rejects a shared line as busy only when every device on it is.
 */
export function routeTargets(dn: string, locations: readonly DnLocation[], view: RouteView): CallEvent {
  const others = locations.filter((location) => location.deviceName !== view.caller);
  // A phone calling its own number finds its line in use: busy (policy).
  if (others.length === 0 && locations.length > 0) return { kind: 'route-failed', cause: Q850.userBusy };
  const reachable = others.filter((location) => view.devices.has(location.deviceName));
  if (reachable.length === 0) return { kind: 'route-failed', cause: Q850.subscriberAbsent };
  // CUCM DND "Call Reject": a device in DND is not offered the call; all of them in DND is busy.
  const available = reachable.filter((location) => !location.dnd);
  if (available.length === 0) return { kind: 'route-failed', cause: Q850.userBusy };
  // CUCM: a line holding Busy Trigger calls (or its Maximum Number of Calls) is busy for a new
  // caller; below that, a device in a call is offered the new one as call waiting.
  const free = available.filter(
    (location) =>
      !view.busy(location.deviceName) &&
      view.callsOn(location.deviceName, location.line).line <
        Math.min(location.busyTrigger, location.maxCalls),
  );
  if (free.length === 0) return { kind: 'route-failed', cause: Q850.userBusy };
  const targets = free.map((location): RouteTarget => {
    const device = view.devices.get(location.deviceName) as CallDevice;
    const waiting = view.callsOn(location.deviceName, location.line).device > 0;
    return {
      ...(waiting ? { waiting } : {}),
      legId: view.nextLegId(),
      deviceName: device.deviceName,
      line: location.line,
      party: { number: dn, name: location.displayName },
      address: device.address,
      codecs: device.codecs.length > 0 ? device.codecs : null,
      solicitedMedia: device.solicitedMedia,
      ...(view.encryption ? { encryption: view.encryption(device.deviceName) } : {}),
    };
  });
  return { kind: 'routed', targets };
}
