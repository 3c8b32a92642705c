/**
 * Messages with an empty body (reference §2, §3.5): length = 4 on the wire.
 * ButtonTemplateReq may carry an optional u32 (chan-sccp); it is ignored.
 */
export const EMPTY_MESSAGE_TYPES = [
  'KeepAlive',
  'KeepAliveAck',
  'CapabilitiesReq',
  'ButtonTemplateReq',
  'ConfigStatReq',
  'TimeDateReq',
  'SoftKeyTemplateReq',
  'SoftKeySetReq',
  'ServerReq',
  'RegisterTokenAck',
] as const;

/** Name of a message whose body is empty. */
export type EmptyMessageType = (typeof EMPTY_MESSAGE_TYPES)[number];

/** One empty-body message, e.g. `{ type: 'KeepAlive' }` (a union, so `switch (msg.type)` narrows). */
export type EmptyMessage = { [K in EmptyMessageType]: { type: K } }[EmptyMessageType];

/** The (shared, zero-length) body of every empty message. */
export const EMPTY_BODY: Buffer = Buffer.alloc(0);
