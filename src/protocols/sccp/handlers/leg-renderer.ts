import type { LegCommand, Prompt, Tone } from '../../../core/call/call-command.js';
import type { LegState, Party } from '../../../core/call/call.js';
import type { Codec } from '../../../core/call/codec.js';
import { CODECS } from '../../../core/call/codec.js';
import type { Redirect } from '../../../core/call/call.js';
import { redirectInfo } from './redirect-info.js';
import { ButtonDefinition } from '../codec/messages/button-template.js';
import { CallStateCode, CallType } from '../codec/messages/call-display.js';
import { LampMode, RingDuration, RingMode, ToneCode } from '../codec/messages/call-signals.js';
import type { SccpMessageInput } from '../codec/sccp-message.js';
import { SoftKeySetIndex } from '../codec/soft-keys.js';

/**
 * Where a call's media stands on the phone (calls.md §7 lesson 3): its receive channel, and
 * whether it sends. The two move apart: a phone may be told to send before its own ack is in.
 */
export interface PhoneMedia {
  receive: 'closed' | 'opening' | 'open';
  transmitting: boolean;
  /**
   * Acks still due for channels closed while opening (hold, music on hold): the phone answers every
   * OpenReceiveChannel in order, so the next this many acks are of closed channels, not the open one.
   */
  staleAcks?: number;
}

/** One call on a phone, as its session renders it. */
export interface PhoneCall {
  callReference: number;
  line: number;
  /** The leg's state as the node last told it ('offered' before its first call-state). */
  state: LegState | 'offered';
  /** The node offered it (incoming) rather than the phone placing it. */
  inbound: boolean;
  media: PhoneMedia;
  /** Who the phone talks to, as last told. */
  remote: Party | null;
  /** The forwards an offered call followed (CallInfo shows them); absent when none. */
  redirects?: readonly Redirect[];
}

/** What the renderer needs of the phone beyond the call. */
export interface RenderContext {
  /** This line's own DN and name (CallInfo's other half). */
  own: Party;
  /** Protocol 17+: media messages in their longer form. */
  v17: boolean;
  /** Another call of the phone still uses this call's line (its lamp stays lit). */
  lineBusyElsewhere: boolean;
  /** The call the phone is off-hook for now, if another: a waiting call's tone plays on it. */
  activeCall?: { line: number; callReference: number };
}

const TONES: Record<Tone, number> = {
  dial: ToneCode.Dial,
  ringback: ToneCode.Ringback,
  busy: ToneCode.Busy,
  reorder: ToneCode.Reorder,
};

/** Label codes shown as 0x80 + code in the phone's own words (calls.md §1.4). */
const PROMPTS: Record<Prompt, number | string> = {
  'enter-number': 0x20,
  'call-proceed': 0x1e,
  'ring-out': 0x16,
  from: 0x17,
  connected: 0x18,
  hold: 0x03,
  busy: 0x19,
  'unknown-number': 0x38,
  'temp-fail': 0x23,
  'in-use-remote': 0x1f,
  'call-waiting': 0x1b,
  // No label of the phone's own says it: plain text (DisplayPromptStatus text[32], calls.md §1.2).
  'encryption-refused': 'Encryption required',
};

/** A label code is the phone's own localized text (0x80 + code); a string is shown as it is. */
function promptText(prompt: number | string): string {
  return typeof prompt === 'string' ? prompt : String.fromCharCode(0x80, prompt);
}

/** StartTone code of the call waiting tone (calls.md §1.5, FreeSWITCH). */
export const CALL_WAITING_TONE = 0x2d;

const ALL_KEYS = 0xffffffff;

/** passThruPartyId of a call's receive channel: callReference XOR 0xFFFFFFFF, as chan-sccp (calls.md §0). */
export function passThruPartyOf(callReference: number): number {
  return (callReference ^ 0xffffffff) >>> 0;
}

/**
 * Renders one leg command as the Skinny messages of docs/calls.md (SCCP adapter, second table;
 * order of calls.md §1.5) and moves the call's state and media along. Pure: returns the messages.
 */
export function renderLegCommand(
  call: PhoneCall,
  command: LegCommand,
  context: RenderContext,
): SccpMessageInput[] {
  const { line, callReference } = call;
  const ref = { lineInstance: line, callReference };
  const lamp = (lampMode: number): SccpMessageInput => ({
    type: 'SetLamp',
    stimulus: ButtonDefinition.Line,
    stimulusInstance: line,
    lampMode,
  });
  const keys = (softKeySetIndex: number): SccpMessageInput => ({
    type: 'SelectSoftKeys',
    ...ref,
    softKeySetIndex,
    validKeyMask: ALL_KEYS,
  });
  const state = (callState: number): SccpMessageInput => ({ type: 'CallState', callState, ...ref });
  const ringerOff: SccpMessageInput = { type: 'SetRinger', ringMode: RingMode.Off, ringDuration: 0, ...ref };
  const info = (): SccpMessageInput => {
    const remote = call.remote ?? { number: '', name: '' };
    const [calling, called] = call.inbound ? [remote, context.own] : [context.own, remote];
    return {
      type: 'CallInfo',
      callingPartyName: calling.name,
      callingParty: calling.number,
      calledPartyName: called.name,
      calledParty: called.number,
      ...ref,
      callType: call.inbound ? CallType.Inbound : CallType.Outbound,
      ...redirectInfo(call.redirects),
    };
  };
  const closeMedia = (): SccpMessageInput[] => {
    if (call.media.receive === 'closed' && !call.media.transmitting) return [];
    const staleAcks = (call.media.staleAcks ?? 0) + (call.media.receive === 'opening' ? 1 : 0);
    call.media = { receive: 'closed', transmitting: false, ...(staleAcks > 0 ? { staleAcks } : {}) };
    const channel = {
      conferenceId: callReference,
      passThruPartyId: passThruPartyOf(callReference),
      callReference,
    };
    return [
      { type: 'CloseReceiveChannel', ...channel },
      { type: 'StopMediaTransmission', ...channel },
    ];
  };

  switch (command.kind) {
    case 'call-state':
      call.state = command.state;
      if (command.remote) call.remote = command.remote;
      switch (command.state) {
        case 'dialling':
          return [
            lamp(LampMode.On),
            state(CallStateCode.OffHook),
            { type: 'ActivateCallPlane', lineInstance: line },
            keys(SoftKeySetIndex.OffHook),
          ];
        case 'proceeding':
          return [
            info(),
            { type: 'DialedNumber', dialedNumber: call.remote?.number ?? '', ...ref },
            state(CallStateCode.Proceed),
            keys(SoftKeySetIndex.RingOut),
          ];
        case 'alerting':
          return [info(), state(CallStateCode.RingOut), keys(SoftKeySetIndex.RingOut)];
        case 'ringing':
          return [state(CallStateCode.RingIn), info()];
        case 'connected':
          return [
            ringerOff,
            { type: 'StopTone', ...ref, tone: 0 },
            lamp(LampMode.On),
            state(CallStateCode.Connected),
            info(),
            { type: 'ActivateCallPlane', lineInstance: line },
            keys(SoftKeySetIndex.Connected),
          ];
        case 'on-hold':
          return [lamp(LampMode.Wink), state(CallStateCode.Hold), keys(SoftKeySetIndex.OnHold)];
        case 'failed':
          return [keys(SoftKeySetIndex.RingOut)];
        // in-use-remotely: rendered by its own command; released: by clear.
        default:
          return [];
      }
    case 'ring':
      call.remote = command.caller;
      if (command.redirects) call.redirects = command.redirects;
      // Call waiting: no ring, the lamp flashes and the tone plays on the call the user talks on.
      if (command.waiting)
        return [
          ...(command.redirects ? [info()] : []),
          lamp(LampMode.Blink),
          { type: 'SetRinger', ringMode: RingMode.FlashOnly, ringDuration: RingDuration.Normal, ...ref },
          {
            type: 'StartTone',
            tone: CALL_WAITING_TONE,
            direction: 0,
            lineInstance: context.activeCall?.line ?? line,
            callReference: context.activeCall?.callReference ?? callReference,
          },
          keys(SoftKeySetIndex.RingIn),
        ];
      return [
        // The CallInfo of the ringing state went before the ring: a forwarded call's says so now.
        ...(command.redirects ? [info()] : []),
        lamp(LampMode.Blink),
        { type: 'SetRinger', ringMode: RingMode.Inside, ringDuration: RingDuration.Normal, ...ref },
        keys(SoftKeySetIndex.RingIn),
      ];
    case 'stop-ringing':
      return [ringerOff];
    case 'in-use-remotely':
      call.state = 'in-use-remotely';
      return [state(CallStateCode.RemoteMultiline), keys(SoftKeySetIndex.InUseHint), lamp(LampMode.On)];
    case 'tone':
      return [{ type: 'StartTone', tone: TONES[command.tone], direction: 0, ...ref }];
    case 'stop-tone':
      return [{ type: 'StopTone', ...ref, tone: 0 }];
    case 'prompt':
      return [
        {
          type: 'DisplayPromptStatus',
          timeOutValue: 0,
          promptStatus: promptText(PROMPTS[command.prompt]),
          ...ref,
        },
      ];
    case 'open-receive-channel':
      return [openReceiveChannel(call, command.codec, command.packetMs, context.v17)];
    case 'hear-music':
      // Music on hold: a fresh receive channel whose ack says where the node streams; the phone's transmit stays stopped.
      return [...closeMedia(), openReceiveChannel(call, command.codec, command.packetMs, context.v17)];
    case 'start-media': {
      const channel = {
        conferenceId: callReference,
        passThruPartyId: passThruPartyOf(callReference),
        callReference,
      };
      const stop: SccpMessageInput[] = call.media.transmitting
        ? [{ type: 'StopMediaTransmission', ...channel }]
        : [];
      call.media.transmitting = true;
      return [
        ...stop,
        {
          type: 'StartMediaTransmission',
          ...channel,
          remoteIpAddress: command.to.address,
          remotePort: command.to.port,
          msPacketSize: command.packetMs,
          compressionType: CODECS[command.codec].skinny,
          v17: context.v17,
        },
      ];
    }
    case 'stop-media':
      return closeMedia();
    case 'reject':
      return [];
    case 'clear':
      call.state = 'released';
      return [
        ...closeMedia(),
        { type: 'StopTone', ...ref, tone: 0 },
        ...(context.lineBusyElsewhere ? [] : [lamp(LampMode.Off)]),
        { type: 'ClearPromptStatus', ...ref },
        state(CallStateCode.OnHook),
        {
          type: 'SelectSoftKeys',
          lineInstance: 0,
          callReference: 0,
          softKeySetIndex: SoftKeySetIndex.OnHook,
          validKeyMask: ALL_KEYS,
        },
        ringerOff,
      ];
  }
}

function openReceiveChannel(call: PhoneCall, codec: Codec, packetMs: number, v17: boolean): SccpMessageInput {
  call.media.receive = 'opening';
  return {
    type: 'OpenReceiveChannel',
    conferenceId: call.callReference,
    passThruPartyId: passThruPartyOf(call.callReference),
    msPacketSize: packetMs,
    compressionType: CODECS[codec].skinny,
    callReference: call.callReference,
    v17,
  };
}
