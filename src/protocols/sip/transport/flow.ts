/**
 * A flow: where a SIP message came from and how to answer it (RFC 5626 §3: "a transport-layer
 * association between two hosts"). UDP flows are per datagram; TCP and WebSocket flows are
 * their connections.
 */
import type { Via } from '../via.js';

export type SipTransportName = 'UDP' | 'TCP' | 'WS';

export interface SipFlow {
  readonly transport: SipTransportName;
  /** RFC 3261 §18: TCP and WebSocket are reliable (no retransmissions, timers J/I are zero). */
  readonly reliable: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The local address the message arrived on (as the socket reports it). */
  readonly localAddress: string;
  readonly localPort: number;
  /** Connection number for TCP/WebSocket (0 for UDP). */
  readonly connectionId: number;
  /** Sends to the remote end of the flow; false when the flow is gone. */
  send(data: Buffer): boolean;
  /** Sends a response to a request received on this flow (RFC 3261 §18.2.2). */
  respond(data: Buffer, topVia: Via | undefined): boolean;
  /** False once a connection has closed (always true for UDP). */
  isOpen(): boolean;
}

/** `ip:port`, with IPv6 in brackets. */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** An IPv4-mapped IPv6 address as plain IPv4. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
