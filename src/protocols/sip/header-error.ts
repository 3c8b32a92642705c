/**
 * Thrown by a structured accessor (e.g. `message.contacts`) when the header is missing or
 * malformed. Never thrown for the headers parseMessage validated on a message it returned.
 */
export class SipHeaderError extends Error {
  readonly code: 'missing-header' | 'invalid-header';
  readonly header: string;

  constructor(code: 'missing-header' | 'invalid-header', header: string, message: string) {
    super(message);
    this.name = 'SipHeaderError';
    this.code = code;
    this.header = header;
  }
}
