import type { CallService } from '../../../services/calls/call-service.js';

/** What the SIP adapter (phones and the intra-cluster trunk) asks of the node's call service. */
export type CallPort = Pick<CallService, 'attach' | 'detach' | 'offHook' | 'send' | 'transfer'>;
