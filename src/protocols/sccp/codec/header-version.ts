import { isValidHeaderVersion } from './frame.js';
import { MessageId } from './message-id.js';

// Reference §1 (chan-sccp sccp_session.c): RegisterAck, KeepAliveAck and UnregisterAck always carry 0.
const ALWAYS_BASIC: ReadonlySet<number> = new Set([
  MessageId.RegisterAck,
  MessageId.KeepAliveAck,
  MessageId.UnregisterAck,
]);

/**
 * The header version a server puts on a message once a protocol version is agreed
 * (reference §1): 0 for RegisterAck / KeepAliveAck / UnregisterAck and whenever the agreed
 * version is below 10, else the agreed version. Throws a RangeError for an agreed version that
 * is not a valid header version (12–14, or above 22): a server must not agree to those.
 */
export function headerVersionFor(messageId: number, agreedProtocolVersion: number): number {
  if (ALWAYS_BASIC.has(messageId) || agreedProtocolVersion < 10) return 0;
  if (!isValidHeaderVersion(agreedProtocolVersion)) {
    throw new RangeError(`protocol version ${agreedProtocolVersion} has no valid SCCP header version`);
  }
  return agreedProtocolVersion;
}
