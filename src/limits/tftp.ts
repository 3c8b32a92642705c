import type { LimitSpec } from './limit.js';

/** Limits of provisioning: TFTP (UDP 69), HTTP (TCP 6970) and the files both serve. */
export const provisioningLimits = {
  tftpMaxTransfers: {
    default: 1000,
    min: 1,
    max: 100_000,
    help: 'TFTP transfers in progress at once in all; a request over it is answered "Server busy" (error 0)',
  },
  tftpMaxTransfersPerAddress: {
    default: 20,
    min: 1,
    max: 100_000,
    help: 'TFTP transfers in progress at once from one source address (raise it when many phones share one address behind NAT)',
  },
  tftpMaxTimeoutSeconds: {
    default: 5,
    min: 1,
    max: 255,
    help: 'largest retransmission timeout a TFTP client may ask for with the RFC 2349 timeout option; a larger one is left out of the answer and the server keeps its own (2 s)',
  },
  tftpFirstPacketRetransmissions: {
    default: 1,
    min: 0,
    max: 10,
    help: 'times the first packet of a TFTP transfer (DATA 1 or OACK) is sent again, by timer or for a repeated request, before the client has acknowledged anything: what a forged request can make a victim receive',
  },
  tftpErrorRepliesPerAddress: {
    default: 50,
    min: 1,
    max: 100_000,
    help: 'TFTP error answers (file not found, server busy, illegal operation) one source address gets per second; beyond, its requests are refused without an answer, so a forged source cannot turn the server into a reflector',
  },
  provisioningCacheSeconds: {
    default: 3,
    min: 0,
    max: 3600,
    help: 'seconds the settings every provisioning file is made of, and the files all phones share (XMLDefault.cnf.xml, OS79XX.TXT, SIPDefault.cnf…), are reused before the database is read again; a change made through any node applies at once (on PostgreSQL, other nodes hear it: docs/cluster.md) (0: read every request)',
  },
  provisioningHttpRequestTimeoutSeconds: {
    default: 10,
    min: 1,
    max: 600,
    help: 'seconds an HTTP provisioning request (headers and any body) may take to arrive before the connection is closed',
  },
  provisioningHttpIdleTimeoutSeconds: {
    default: 30,
    min: 1,
    max: 3600,
    help: 'seconds an HTTP provisioning response may wait for the client to take data (or a kept-alive connection for its next request) before the connection is closed and its file released',
  },
  provisioningHttpMaxConnections: {
    default: 1000,
    min: 1,
    max: 1_000_000,
    help: 'HTTP provisioning connections held at once in all; one more is answered 503',
  },
  provisioningHttpMaxConnectionsPerAddress: {
    default: 20,
    min: 1,
    max: 1_000_000,
    help: 'HTTP provisioning connections one source address may hold at once (raise it when many phones share one address behind NAT)',
  },
  provisioningHttpMaxQueuedRequests: {
    default: 16,
    min: 1,
    max: 10_000,
    help: 'requests one HTTP provisioning connection may send ahead (pipelined) while an earlier one is being answered; more closes the connection',
  },
} satisfies Record<string, LimitSpec>;
