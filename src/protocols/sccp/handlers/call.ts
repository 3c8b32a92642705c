import type {
  EnblocCall,
  KeypadButton,
  OffHook,
  OnHook,
  SoftKeyEventMessage,
  Stimulus,
} from '../codec/messages/station-call.js';
import type { SccpMessage } from '../codec/sccp-message.js';
import { ButtonDefinition } from '../codec/messages/button-template.js';
import { SoftKeyEvent } from '../codec/soft-keys.js';
import { notYetSupported } from './not-yet.js';
import type { Handler } from './station-session.js';

/*
 * Call control (docs/calls.md, SCCP adapter; reference calls.md §1): what the phone presses
 * becomes the call model's events. The session's StationCalls keeps its calls.
 */

/** Handset or speaker lifted (line and callRef often 0: the phone's first line). */
export const offHook: Handler<OffHook> = (message, session) => session.calls.offHook(message.lineInstance);

/** Handset down: the call named, else the active one (calls.md §1.2). */
export const onHook: Handler<OnHook> = (message, session) => session.calls.onHook(message.callReference);

/** One dialled digit (0–9, * = 0x0E, # = 0x0F). */
export const keypadButton: Handler<KeypadButton> = (message, session) =>
  session.calls.keypad(message.button, message.callReference);

/** A whole number dialled at once. */
export const enblocCall: Handler<EnblocCall> = (message, session) =>
  session.calls.enbloc(message.calledParty, message.lineInstance);

/** A line key places or answers a call; other buttons are features not modelled yet. */
export const stimulus: Handler<Stimulus> = (message, session) => {
  if (message.stimulus === ButtonDefinition.Line) session.calls.offHook(message.stimulusInstance);
  else if (message.stimulus === ButtonDefinition.ForwardAll)
    session.calls.forwardAll(message.stimulusInstance);
  else
    session.log.debug(
      { device: session.device?.name, stimulus: message.stimulus },
      'SCCP stimulus not handled; ignored',
    );
};

/** The soft keys of calls.md §1.4 this node serves (NewCall, EndCall, Answer, Hold, Resume, Transfer, Confrn, CFwdAll, Redial, PickUp, GPickUp); the others are ignored. */
export const softKeyEvent: Handler<SoftKeyEventMessage> = (message, session) => {
  const { calls } = session;
  const ref = message.callReference;
  switch (message.softKeyEvent) {
    case SoftKeyEvent.NewCall:
      return calls.newCall(message.lineInstance);
    case SoftKeyEvent.EndCall:
      return calls.endCall(ref);
    case SoftKeyEvent.Answer:
      return calls.answer(ref);
    case SoftKeyEvent.Hold:
      return calls.hold(ref);
    case SoftKeyEvent.Resume:
      return calls.resume(ref);
    case SoftKeyEvent.CFwdAll:
      return calls.forwardAll(message.lineInstance);
    case SoftKeyEvent.Redial:
      return calls.redial(message.lineInstance);
    case SoftKeyEvent.PickUp:
      return calls.pickup(message.lineInstance, false);
    case SoftKeyEvent.GPickUp:
      return calls.pickup(message.lineInstance, true);
    case SoftKeyEvent.Transfer:
      return calls.transfer(ref);
    case SoftKeyEvent.Confrn:
      return calls.conference(ref);
    default:
      session.log.debug(
        { device: session.device?.name, softKey: message.softKeyEvent },
        'SCCP soft key not handled yet; ignored',
      );
  }
};

export const hookFlash: Handler<SccpMessage> = notYetSupported('hook flash');
