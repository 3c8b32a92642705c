/**
 * Q.850 cause values the call manager uses, with the SIP status each becomes, in one table.
 * Q.850 → SIP is RFC 3398 §7.2.4.1 (the same in OpenSIPS's and Oracle SBC's default tables);
 * SIP → Q.850 is RFC 3398 §8.2.6.1 with Oracle SBC's choices where the RFC has none.
 */
export const Q850 = {
  unallocatedNumber: 1,
  normalClearing: 16,
  userBusy: 17,
  noUserResponding: 18,
  noAnswer: 19,
  subscriberAbsent: 20,
  /** A forward loop or too many forwards (SIP 483 Too Many Hops is this cause, RFC 3398 §8.2.6.1). */
  exchangeRoutingError: 25,
  callRejected: 21,
  nonSelectedUserClearing: 26,
  destinationOutOfOrder: 27,
  invalidNumberFormat: 28,
  normalUnspecified: 31,
  noCircuitAvailable: 34,
  temporaryFailure: 41,
  resourceUnavailable: 47,
  bearerCapabilityNotImplemented: 65,
  recoveryOnTimerExpiry: 102,
  interworking: 127,
} as const;

export type Q850Cause = (typeof Q850)[keyof typeof Q850];

interface CauseFacts {
  /** Q.850's name, for logs and the CDR troubleshooter. */
  text: string;
  /**
   * Final response a SIP leg gets for this cause while its INVITE is unanswered; null where the
   * cause ends a call by BYE or CANCEL instead (16 normal clearing, 26 answered elsewhere).
   */
  sipStatus: number | null;
}

export const CAUSES: Record<Q850Cause, CauseFacts> = {
  1: { text: 'unallocated (unassigned) number', sipStatus: 404 },
  16: { text: 'normal call clearing', sipStatus: null },
  17: { text: 'user busy', sipStatus: 486 },
  18: { text: 'no user responding', sipStatus: 408 },
  19: { text: 'no answer from user (user alerted)', sipStatus: 480 },
  20: { text: 'subscriber absent', sipStatus: 480 },
  25: { text: 'exchange routing error', sipStatus: 483 },
  // RFC 3398 says 403; FreeSWITCH and Oracle send 603 Decline when the user rejected.
  21: { text: 'call rejected', sipStatus: 403 },
  // RFC 3398 maps 26 to 404, but a leg that lost to another device is CANCELled (RFC 3326 Reason).
  26: { text: 'non-selected user clearing', sipStatus: null },
  27: { text: 'destination out of order', sipStatus: 502 },
  28: { text: 'invalid number format (address incomplete)', sipStatus: 484 },
  31: { text: 'normal, unspecified', sipStatus: 480 },
  34: { text: 'no circuit/channel available', sipStatus: 503 },
  41: { text: 'temporary failure', sipStatus: 503 },
  47: { text: 'resource unavailable, unspecified', sipStatus: 503 },
  65: { text: 'bearer capability not implemented', sipStatus: 488 },
  102: { text: 'recovery on timer expiry', sipStatus: 504 },
  127: { text: 'interworking, unspecified', sipStatus: 500 },
};

/** SIP final responses a callee's phone may send, as the cause the call records. */
const SIP_TO_CAUSE: Record<number, Q850Cause> = {
  403: 21,
  404: 1,
  408: 102,
  // RFC 3398 gives 18 (no user responding); the phone said it is there but unavailable.
  480: 18,
  483: 25,
  484: 28,
  // RFC 3398 has no cause for 488; 65 keeps "no common codec" recognisable in the CDR (policy).
  488: 65,
  486: 17,
  502: 27,
  503: 41,
  504: 102,
  600: 17,
  603: 21,
  604: 1,
};

/** The cause of a SIP final error response; anything unlisted is interworking (127), as Oracle SBC does. */
export function causeOfSipStatus(status: number): Q850Cause {
  return SIP_TO_CAUSE[status] ?? Q850.interworking;
}

/** The SIP final response for a cause (see CauseFacts.sipStatus). */
export function sipStatusOfCause(cause: Q850Cause): number | null {
  return CAUSES[cause].sipStatus;
}
