import type { Call, CallState, Leg, LegState } from '../../core/call/call.js';
import type { Codec } from '../../core/call/codec.js';
import type { Clock } from '../clock.js';
import type { CallWatcher } from './call-ports.js';

/** One device's part in a live call, as Monitoring > Active Calls shows it. */
export interface ActiveCallLeg {
  legId: number;
  side: 'orig' | 'dest';
  deviceName: string;
  line: number;
  state: LegState;
}

/** A live call: who calls whom, on which devices, in which state since when, with which codec. */
export interface ActiveCall {
  node: string;
  callId: number;
  state: CallState;
  /** ISO-8601: the caller went off-hook. */
  since: string;
  /** ISO-8601: the call entered its present state. */
  stateSince: string;
  /** ISO-8601: the call was answered; null before. */
  connectedAt: string | null;
  calling: { number: string; name: string; deviceName: string };
  /** `dialled` as dialled so far; `number` and `name` once routed. */
  called: { dialled: string; number: string | null; name: string };
  legs: ActiveCallLeg[];
  codec: Codec | null;
  packetMs: number;
  /** The media flows as SRTP phone to phone now (keys passed end to end, docs/srtp.md). */
  encrypted: boolean;
}

/** What the live pages are told: a call started or changed, or (ended) is over. */
export interface ActiveCallChange {
  call: ActiveCall;
  ended: boolean;
}

/** A finished call's media facts, which its CDR does not keep (the troubleshooter reads them). */
export interface EndedCallFacts {
  node: string;
  callId: number;
  /** Epoch seconds, as the CDR's dateTimeOrigination. */
  originatedAt: number;
  legs: {
    deviceName: string;
    side: 'orig' | 'dest';
    /** What the phone said it can receive (capabilities or SDP), most preferred first. */
    codecs: readonly Codec[];
    /** An OpenReceiveChannel was sent and never answered. */
    openUnanswered: boolean;
    /** The phone ever told where it receives. */
    addressKnown: boolean;
  }[];
}

/** Finished calls remembered for the troubleshooter: a few hundred bytes each, node-wide. */
export const ENDED_CALLS_KEPT = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

function legOf(leg: Leg): ActiveCallLeg {
  return { legId: leg.id, side: leg.side, deviceName: leg.deviceName, line: leg.line, state: leg.state };
}

/** What Active Calls shows of a call, but the digits dialled so far (they come with the next state). */
function signature(call: Readonly<Call>): string {
  return `${call.state}|${call.calledDn}|${call.calledName}|${call.codec}|${call.srtp ?? ''}|${call.legs.map((l) => l.state).join(',')}`;
}

/** The codecs a leg's phone offered: its capabilities, else those of its newest SDP. */
export function offeredCodecs(leg: Leg): readonly Codec[] {
  if (leg.media.codecs.length > 0) return leg.media.codecs;
  return leg.media.receive?.codecs ?? leg.media.lastReceive?.codecs ?? [];
}

/**
 * The node's live calls as the administration shows them. It watches the call service, keeps the
 * newest state of each live call, pushes each change of state to the live pages (not each digit or media event), and
 * remembers the media facts of the last ENDED_CALLS_KEPT finished calls.
 */
export class ActiveCalls implements CallWatcher {
  private readonly live = new Map<number, { call: Readonly<Call>; shown: string; stateSince: string }>();
  private readonly ended = new Map<number, EndedCallFacts>();

  constructor(
    private readonly deps: {
      nodeName: string;
      clock: Clock;
      /** Tells the live pages (LiveEvents' active-call). */
      publish: (change: ActiveCallChange) => void;
      /** Whether any live page listens now; without one no change is built (default: always). */
      listened?: () => boolean;
    },
  ) {}

  changed(call: Readonly<Call>): void {
    const known = this.live.get(call.id);
    const over = call.state === 'released';
    const shown = signature(call);
    const stateSince =
      known && known.call.state === call.state ? known.stateSince : this.deps.clock().toISOString();
    if (over) {
      this.live.delete(call.id);
      this.remember(call);
    } else {
      // The newest call is kept (the service never changes a call it has handed on) for list().
      this.live.set(call.id, { call, shown, stateSince });
      // Media events and each dialled digit change nothing the list shows by state: no push for them.
      if (known?.shown === shown) return;
    }
    if (this.deps.listened?.() === false) return;
    this.deps.publish({ call: this.view(call, stateSince), ended: over });
  }

  /** The live calls, oldest first. */
  list(): ActiveCall[] {
    return [...this.live.values()].map((entry) => this.view(entry.call, entry.stateSince));
  }

  /** The media facts of a finished call of this node, while remembered. */
  endedCall(callId: number, originatedAt: number): EndedCallFacts | undefined {
    const facts = this.ended.get(callId);
    return facts?.originatedAt === originatedAt ? facts : undefined;
  }

  private view(call: Readonly<Call>, stateSince: string): ActiveCall {
    const caller = call.legs[0];
    return {
      node: this.deps.nodeName,
      callId: call.id,
      state: call.state,
      since: iso(call.originatedAt),
      stateSince,
      connectedAt: call.connectedAt === null ? null : iso(call.connectedAt),
      calling: { number: caller.party.number, name: caller.party.name, deviceName: caller.deviceName },
      called: { dialled: call.dialled, number: call.calledDn, name: call.calledName },
      legs: call.legs.map(legOf),
      codec: call.codec,
      packetMs: call.packetMs,
      encrypted: call.srtp !== undefined,
    };
  }

  private remember(call: Readonly<Call>): void {
    this.ended.delete(call.id);
    this.ended.set(call.id, {
      node: this.deps.nodeName,
      callId: call.id,
      originatedAt: Math.floor(call.originatedAt / 1000),
      legs: call.legs.map((leg) => ({
        deviceName: leg.deviceName,
        side: leg.side,
        codecs: offeredCodecs(leg),
        openUnanswered: leg.media.opening && leg.media.receive === null,
        addressKnown: leg.media.lastReceive !== null || leg.media.receive !== null,
      })),
    });
    // Maps iterate in insertion order: the first key is the oldest call.
    if (this.ended.size > ENDED_CALLS_KEPT) this.ended.delete(this.ended.keys().next().value as number);
  }
}
