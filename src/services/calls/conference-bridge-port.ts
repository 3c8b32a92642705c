import type { Codec } from '../../core/call/codec.js';
import type { MediaTarget } from '../../core/call/media.js';
import type { LegCommand } from '../../core/call/call-command.js';
import type { LimitContext } from '../limit-log.js';
import type { CallDevice, LegHandle, LegSink } from './call-ports.js';

/**
 * The node's conference bridge as the call service drives it (src/media/conference-bridge.ts mixes
 * in a worker thread; a cluster may put it elsewhere). Parties are named by their bridge leg's id.
 */
export interface ConferenceMixer {
  /** A new conference, or null when the bridge is at its limit (it logs and counts the refusal). */
  open(who: LimitContext): number | null;
  /** A party joins: the address its phone must send RTP to. */
  join(conference: number, party: number, codec: Codec): Promise<MediaTarget>;
  /** Where the party's phone receives: the mix goes there. */
  sendTo(conference: number, party: number, to: MediaTarget): void;
  /** The party leaves; the others go on. */
  leave(conference: number, party: number): void;
  /** The conference ends: every party left leaves. */
  end(conference: number): void;
}

/** What the call service needs to host conferences. */
export interface ConferenceHosting {
  mixer: ConferenceMixer;
  /** The bridge device's name in calls, CDRs and Active Calls (CUCM: CFB_n). */
  deviceName: string;
}

/**
 * CUCM's number for a conference bridge port in CDRs, "b0019901001": here "b00" and the conference's
 * number in eight digits, so that each conference has its own.
 */
export function bridgeNumber(conference: number): string {
  return `b00${String(conference).padStart(8, '0')}`;
}

/**
 * The bridge as a device of the call service: each party's call has a leg on it, whose line is the
 * conference. Its sink turns the leg commands the bridge side gets into the mixer's work: where to
 * send the mix (start-media) and the party's leaving (clear); the rest (tones, prompts, hold's
 * stop-media and music) means nothing to a bridge.
 */
export function bridgeDevice(hosting: ConferenceHosting): CallDevice {
  return {
    deviceName: hosting.deviceName,
    protocol: 'bridge',
    address: null,
    codecs: ['PCMU', 'PCMA'],
    solicitedMedia: false,
    openLeg(leg: LegHandle, conference: number): LegSink {
      return {
        send(command: LegCommand) {
          if (command.kind === 'start-media') hosting.mixer.sendTo(conference, leg.legId, command.to);
          else if (command.kind === 'clear') hosting.mixer.leave(conference, leg.legId);
        },
      };
    },
  };
}
