import type { SccpMessageInput } from './codec/sccp-message.js';
import { ButtonDefinition } from './codec/messages/button-template.js';
import { CallStateCode } from './codec/messages/call-display.js';
import { LampMode, ToneCode } from './codec/messages/call-signals.js';
import { SoftKeySetIndex } from './codec/soft-keys.js';

/** What the node answers a CFwdAll press or a number entered (through the SccpCalls port). */
export type ForwardReply =
  /** Forward All is off: the phone collects the number to forward to. */
  | { kind: 'enter-number' }
  /** Stored: the DN's Forward All now (null: off). */
  | { kind: 'status'; forwardAll: string | null }
  /** Not stored: why, for the user. */
  | { kind: 'refused'; message: string };

/** The callReference of the number entry on the phone's screen: never one of a call (those count from 1, or from 0x40000000). */
export const FORWARD_ENTRY_REFERENCE = 0x3fffffff;

const PROMPT = 'Enter number to forward to';

/**
 * The CFwdAll soft key on an SCCP phone (calls.md §1.5 "Call forward all"): the first press opens a
 * dialling state with the prompt and the CFwdAll lamp flashing; digits are collected until # (or
 * CFwdAll again); the number goes to the node, which stores it before the phone gets ForwardStat.
 * A press while Forward All is set clears it (the node decides: it knows the DN's forwards).
 */
export class ForwardAllKey {
  private entry: { line: number; dn: string; digits: string } | null = null;
  /** The last press, awaiting the node's answer: the DN a number entered is for. */
  private asked: { line: number; dn: string } | null = null;

  constructor(
    private readonly emit: (message: SccpMessageInput) => void,
    /** Asks the node: `target` undefined for a press of the key, else the number entered. */
    private readonly ask: (line: number, dn: string, target: string | undefined) => void,
    /** Protocol 18+: ForwardStat's numbers are char[25] (asked when sent: agreed at Register). */
    private readonly v18: () => boolean,
  ) {}

  get entering(): boolean {
    return this.entry !== null;
  }

  /** CFwdAll pressed on `line` (its DN `dn`). */
  pressed(line: number, dn: string): void {
    if (!this.entry) {
      this.asked = { line, dn };
      this.ask(line, dn, undefined);
    } else if (this.entry.digits.length > 0) this.finish();
  }

  /** A key while the number is entered: # ends it. */
  digit(digit: string): void {
    const entry = this.entry;
    if (!entry) return;
    if (digit === '#') return entry.digits.length > 0 ? this.finish() : undefined;
    if (entry.digits.length === 0) this.emit({ type: 'StopTone', ...this.ref(entry.line), tone: 0 });
    if (entry.digits.length < 24) entry.digits += digit;
  }

  /** The whole number at once (EnblocCall while entering). */
  number(digits: string): void {
    if (!this.entry) return;
    this.entry.digits = digits.replace(/#$/, '');
    if (this.entry.digits.length > 0) this.finish();
  }

  /** On-hook or EndCall while entering: nothing changes. */
  cancel(): void {
    const entry = this.entry;
    if (!entry) return;
    this.entry = null;
    this.close(entry.line, null, true);
  }

  /** The node's answer. */
  reply(line: number, reply: ForwardReply): void {
    if (reply.kind === 'enter-number') return this.open(line);
    const wasOpen = this.entry !== null;
    this.entry = null;
    this.close(line, reply, wasOpen);
  }

  /** The node asked for the number: the dialling state. */
  private open(line: number): void {
    if (this.entry || this.asked?.line !== line) return;
    this.entry = { line, dn: this.asked.dn, digits: '' };
    const ref = this.ref(line);
    this.emit({
      type: 'SetLamp',
      stimulus: ButtonDefinition.ForwardAll,
      stimulusInstance: line,
      lampMode: LampMode.Flash,
    });
    this.emit({ type: 'CallState', callState: CallStateCode.OffHook, ...ref });
    this.emit({ type: 'ActivateCallPlane', lineInstance: line });
    this.emit({ type: 'DisplayPromptStatus', timeOutValue: 0, promptStatus: PROMPT, ...ref });
    this.emit({
      type: 'SelectSoftKeys',
      ...ref,
      softKeySetIndex: SoftKeySetIndex.OffHook,
      validKeyMask: 0xffffffff,
    });
    this.emit({ type: 'StartTone', tone: ToneCode.Dial, direction: 0, ...ref });
  }

  private finish(): void {
    const entry = this.entry;
    if (!entry) return;
    this.ask(entry.line, entry.dn, entry.digits);
  }

  /** Ends the dialling state (if open) and shows the outcome: ForwardStat, or why it was refused. */
  private close(
    line: number,
    reply: Exclude<ForwardReply, { kind: 'enter-number' }> | null,
    wasOpen: boolean,
  ): void {
    const ref = this.ref(line);
    if (wasOpen) {
      this.emit({ type: 'StopTone', ...ref, tone: 0 });
      this.emit({ type: 'ClearPromptStatus', ...ref });
      this.emit({ type: 'CallState', callState: CallStateCode.OnHook, ...ref });
      this.emit({
        type: 'SelectSoftKeys',
        ...ref,
        softKeySetIndex: SoftKeySetIndex.OnHook,
        validKeyMask: 0xffffffff,
      });
    }
    if (reply?.kind === 'status') {
      this.emit(forwardStatus(line, reply.forwardAll, this.v18()));
      const lampMode = reply.forwardAll ? LampMode.On : LampMode.Off;
      this.emit({ type: 'SetLamp', stimulus: ButtonDefinition.ForwardAll, stimulusInstance: line, lampMode });
    } else {
      this.emit({
        type: 'SetLamp',
        stimulus: ButtonDefinition.ForwardAll,
        stimulusInstance: line,
        lampMode: LampMode.Off,
      });
      if (reply) this.emit({ type: 'DisplayNotify', displayTimeout: 10, text: reply.message.slice(0, 31) });
    }
  }

  private ref(line: number) {
    return { lineInstance: line, callReference: FORWARD_ENTRY_REFERENCE };
  }
}

/** ForwardStat of a line and its CFwdAll lamp (sccp.md §3.12): a 7940 shows "Forwarded to <number>". */
export function forwardStatus(line: number, forwardAll: string | null, v18: boolean): SccpMessageInput {
  return {
    bodySize: v18 ? 95 : 92,
    type: 'ForwardStat',
    activeForward: forwardAll ? 1 : 0,
    lineNumber: line,
    forwardAllActive: forwardAll ? 1 : 0,
    forwardAllNumber: forwardAll ?? '',
    forwardBusyActive: 0,
    forwardBusyNumber: '',
    forwardNoAnswerActive: 0,
    forwardNoAnswerNumber: '',
  };
}
