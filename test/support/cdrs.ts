import type { CallDetailRecord } from '../../src/core/call/cdr.js';

/** A moment of the tests' calls, in CDR time (UTC epoch seconds). */
export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0) / 1000;

/** A finished call from 1001 (SEP…01) to `called` on SEP…02, begun `at` seconds after T0. */
export function cdr(callId: number, at: number, changes: Partial<CallDetailRecord> = {}): CallDetailRecord {
  return {
    cdrRecordType: 1,
    globalCallID_callManagerId: 1,
    globalCallID_callId: callId,
    origLegCallIdentifier: callId * 2,
    destLegCallIdentifier: callId * 2 + 1,
    dateTimeOrigination: T0 + at,
    dateTimeConnect: T0 + at + 3,
    dateTimeDisconnect: T0 + at + 33,
    duration: 30,
    callingPartyNumber: '1001',
    originalCalledPartyNumber: '1002',
    finalCalledPartyNumber: '1002',
    lastRedirectDn: '',
    origCause_value: 16,
    destCause_value: 0,
    origDeviceName: 'SEP000000000001',
    destDeviceName: 'SEP000000000002',
    origIpAddr: -1139627840,
    destIpAddr: 16777343,
    origMediaTransportAddress_IP: -1139627840,
    origMediaTransportAddress_Port: 20002,
    destMediaTransportAddress_IP: 16777343,
    destMediaTransportAddress_Port: 16384,
    origMediaCap_payloadCapability: 4,
    origMediaCap_maxFramesPerPacket: 20,
    destMediaCap_payloadCapability: 4,
    destMediaCap_maxFramesPerPacket: 20,
    origPrecedenceLevel: 4,
    destPrecedenceLevel: 4,
    origCalledPartyRedirectReason: 0,
    lastRedirectRedirectReason: 0,
    origCallTerminationOnBehalfOf: 12,
    destCallTerminationOnBehalfOf: 0,
    origCalledPartyRedirectOnBehalfOf: 0,
    lastRedirectRedirectOnBehalfOf: 0,
    joinOnBehalfOf: 0,
    destConversationId: 0,
    comment: '',
    callSecuredStatus: 0,
    ...changes,
  };
}
