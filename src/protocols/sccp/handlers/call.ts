import type { SccpMessage } from '../codec/sccp-message.js';
import { notYetSupported } from './not-yet.js';
import type { Handler } from './station-session.js';

/*
 * Call control (issue 14; calls.md §1): off-hook, digits, soft keys and on-hook become the call
 * model's events here. Until then a phone that lifts its handset hears nothing from the node.
 */
const ignored = notYetSupported('call control');

/** Handset or speaker lifted, or NewCall pressed (calls.md §1.2: line, callRef). */
export const offHook: Handler<SccpMessage> = ignored;
/** Handset down (calls.md §1.2: match on callRef, else the active call). */
export const onHook: Handler<SccpMessage> = ignored;
/** One dialled digit (0–9, * = 0x0E, # = 0x0F). */
export const keypadButton: Handler<SccpMessage> = ignored;
/** A whole number dialled before going off-hook. */
export const enblocCall: Handler<SccpMessage> = ignored;
/** A line, speed-dial or feature button (sccp.md §3.7). */
export const stimulus: Handler<SccpMessage> = ignored;
/** A soft key (Redial, NewCall, Hold, EndCall, Answer, …): the features start here. */
export const softKeyEvent: Handler<SccpMessage> = ignored;
export const hookFlash: Handler<SccpMessage> = ignored;
