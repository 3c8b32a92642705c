import type { SccpMessage } from '../codec/sccp-message.js';
import { notYetSupported } from './not-yet.js';
import type { Handler } from './station-session.js';

/*
 * Media (issue 14; calls.md §1): where a phone will receive RTP, and whether it sends. The node
 * only tells each phone the other's address; it never relays RTP.
 */
const ignored = notYetSupported('media');

/** The phone's RTP address for a receive channel: StartMediaTransmission to the other leg follows. */
export const openReceiveChannelAck: Handler<SccpMessage> = ignored;
/** Newer phones confirm StartMediaTransmission. */
export const startMediaTransmissionAck: Handler<SccpMessage> = ignored;
export const mediaTransmissionFailure: Handler<SccpMessage> = ignored;
/** Answer to ConnectionStatisticsReq at the end of a call (packets, jitter, MOS). */
export const connectionStatisticsRes: Handler<SccpMessage> = ignored;
