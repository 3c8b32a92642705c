/**
 * A flow: where a SIP message came from and how to answer it (RFC 5626 §3: "a transport-layer
 * association between two hosts"). UDP flows are per datagram; TCP and WebSocket flows are
 * their connections.
 */
import type { Via } from '../via.js';

export type SipTransportName = 'UDP' | 'TCP' | 'TLS' | 'WS';

export interface SipFlow {
  readonly transport: SipTransportName;
  /** RFC 3261 §18: TCP, TLS and WebSocket are reliable (no retransmissions, timers J/I are zero). */
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
  /**
   * Sends a response to a request received on this flow. `sentByPort` (UDP only) is where RFC 3261
   * §18.2.2 sends it on the source address; undefined means the source port itself (RFC 3581 rport).
   */
  respond(data: Buffer, sentByPort: number | undefined): boolean;
  /** False once a connection has closed (always true for UDP). */
  isOpen(): boolean;
}

/** RFC 3261 §18.2.2: "using port 5060 if none is specified explicitly". */
const DEFAULT_SIP_PORT = 5060;

/**
 * The port a UDP response goes to, from the request's top Via: undefined (the source port) with rport.
 * RFC 3581 §4: with rport the response goes "to the IP address and port the request was received from";
 * RFC 3261 §18.2.2: otherwise to the received address (the packet source) "using the port indicated in the
 * "sent-by" value, or using port 5060 if none is specified explicitly". A sent-by port 0 names no port a
 * datagram can go to: it counts as absent. `maddr` is not followed: a response goes only where the request
 * came from, never to an address a packet names (no reflection to third parties).
 */
export function responsePort(via: Via | undefined): number | undefined {
  if (via === undefined || via.rport !== undefined) return undefined;
  return via.port === undefined || via.port === 0 ? DEFAULT_SIP_PORT : via.port;
}

/** A port a datagram can be sent to (dgram throws on anything else). */
export function isSendablePort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536;
}

/** `ip:port`, with IPv6 in brackets. */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** An IPv4-mapped IPv6 address as plain IPv4. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
