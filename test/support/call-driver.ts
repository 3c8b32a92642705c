import type { CallCommand, LegCommand } from '../../src/core/call/call-command.js';
import type { CallEvent, RouteTarget } from '../../src/core/call/call-event.js';
import type { Call, OriginatingDevice } from '../../src/core/call/call.js';
import { newCall } from '../../src/core/call/call.js';
import type { Codec } from '../../src/core/call/codec.js';
import { DirectoryNumberSet } from '../../src/core/call/dn-set.js';
import type { ForwardView } from '../../src/core/call/call-event.js';
import type { MediaDescription, MediaTarget } from '../../src/core/call/media.js';
import { transition } from '../../src/core/call/transition.js';

/** The DNs of the tests' dial plan: 100 and 1000 overlap, as in calls.md §4.1. */
export const DIAL_PLAN = new DirectoryNumberSet(['1001', '1002', '1003', '100', '1000', '2000']);

/** An SCCP-like phone: its codecs known from CapabilitiesRes, its address given when asked. */
export function sccpPhone(
  deviceName: string,
  dn: string,
  codecs: Codec[] = ['PCMU', 'PCMA'],
): OriginatingDevice {
  return {
    deviceName,
    line: 1,
    party: { number: dn, name: `Phone ${dn}` },
    address: '10.0.0.1',
    codecs,
    solicitedMedia: true,
  };
}

/** A SIP-like phone: it volunteers its address in SDP. */
export function sipPhone(deviceName: string, dn: string, codecs: Codec[] = []): OriginatingDevice {
  return {
    deviceName,
    line: 1,
    party: { number: dn, name: `Phone ${dn}` },
    address: '10.0.0.2',
    codecs,
    solicitedMedia: false,
  };
}

export function target(
  legId: number,
  phone: OriginatingDevice,
  codecsKnown = phone.solicitedMedia,
): RouteTarget {
  return { legId, ...phone, codecs: codecsKnown ? phone.codecs : null };
}

export function rtp(
  address: string,
  port: number,
  codecs: Codec[] = [],
  direction: MediaDescription['direction'] = 'sendrecv',
): MediaDescription {
  return { address, port, codecs, direction };
}

export const START = Date.UTC(2024, 0, 15, 9, 0, 0);

/** Feeds events to one call through transition(), keeping the last commands. */
export class CallDriver {
  call: Call;
  now = START;
  last: CallCommand[] = [];
  /** The DNs' forwards, when a test sets some. */
  forwards: ForwardView | undefined;
  /** The node's music on hold source (CallContext.musicSource); none by default. */
  musicSource: MediaTarget | undefined = undefined;

  constructor(caller: OriginatingDevice, callId = 1, callerLeg = 1) {
    this.call = newCall(callId, callerLeg, caller, this.now);
  }

  send(event: CallEvent, afterMs = 0): CallCommand[] {
    this.now += afterMs;
    const next = transition(this.call, event, {
      now: this.now,
      dialPlan: DIAL_PLAN,
      ...(this.forwards ? { forwards: this.forwards } : {}),
      musicSource: this.musicSource,
    });
    this.call = next.call;
    this.last = next.commands;
    return next.commands;
  }

  /** What the last event told `leg`. */
  told(leg: number): LegCommand[] {
    return this.last.flatMap((c) => (c.kind === 'leg' && c.leg === leg ? [c.command] : []));
  }

  /** The kinds of what the last event told `leg`, in order. */
  kinds(leg: number): string[] {
    return this.told(leg).map((c) => c.kind);
  }

  /** The service work the last event asked for (timers, route, released). */
  work(): CallCommand[] {
    return this.last.filter((c) => c.kind !== 'leg');
  }

  leg(id: number) {
    const leg = this.call.legs.find((l) => l.id === id);
    if (!leg) throw new Error(`no leg ${id}`);
    return leg;
  }
}
