import type { Codec } from '../../../core/call/codec.js';
import { codecOfSkinny } from '../../../core/call/codec.js';
import type { CapabilitiesRes } from '../codec/messages/capabilities.js';
import type { OpenReceiveChannelAck } from '../codec/messages/media-channel.js';
import type { SccpMessage } from '../codec/sccp-message.js';
import { notYetSupported } from './not-yet.js';
import type { Handler } from './station-session.js';

/*
 * Media (docs/calls.md; reference calls.md §1.5): where a phone will receive RTP. The node only
 * tells each phone the other's address; it never relays RTP.
 */

/** The phone's RTP address for a receive channel (status 0), or its refusal. */
export const openReceiveChannelAck: Handler<OpenReceiveChannelAck> = (message, session) =>
  session.calls.receiveChannel(
    message.status,
    message.ipAddress,
    message.port,
    message.passThruPartyId,
    message.callReference,
  );

/** Newer phones confirm StartMediaTransmission. */
export const startMediaTransmissionAck: Handler<SccpMessage> = notYetSupported('StartMediaTransmissionAck');
export const mediaTransmissionFailure: Handler<SccpMessage> = notYetSupported('MediaTransmissionFailure');
/** Answer to ConnectionStatisticsReq at the end of a call (packets, jitter, MOS). */
export const connectionStatisticsRes: Handler<SccpMessage> = notYetSupported('ConnectionStatisticsRes');

/** The phone's codecs (after RegisterAck, sccp.md §5): the node offers it calls in these. */
export const capabilitiesRes: Handler<CapabilitiesRes> = (message, session) => {
  const codecs: Codec[] = [];
  for (const { payloadCapability } of message.capabilities) {
    const codec = codecOfSkinny(payloadCapability);
    if (codec && !codecs.includes(codec)) codecs.push(codec);
  }
  session.calls.attach(codecs);
};
