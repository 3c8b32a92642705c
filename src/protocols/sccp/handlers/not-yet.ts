import type { SccpMessage } from '../codec/sccp-message.js';
import { messageName } from '../codec/message-id.js';
import type { Handler } from './station-session.js';

/** A handler for a family openucm does not handle yet: the message is ignored, and says so at debug. */
export function notYetSupported(what: string): Handler<SccpMessage> {
  const text = `${what} not yet supported; SCCP message ignored`;
  return (message, session) => {
    const name = message.type === 'Unknown' ? messageName(message.messageId) : message.type;
    session.log.debug({ device: session.device?.name, message: name }, text);
  };
}
