/**
 * How the TFTP server answers a request it does not serve: the error texts clients see, and the
 * one-packet reply from a port of its own.
 */
import type { Socket } from 'node:dgram';
import type { LimitReporter } from '../../services/limit-log.js';
import type { TftpPeer } from '../../services/file-source.js';
import { encodePacket } from './packets.js';
import { ReplyBudget } from './reply-budget.js';
import { UdpEndpoint, bindUdp, sendUdp } from './udp.js';

/** The transfer limits a request can be refused at. */
export type SlotRefusal = 'tftpMaxTransfers' | 'tftpMaxTransfersPerAddress';

export const FILE_NOT_FOUND_MESSAGE = 'File not found';
export const READ_ONLY_MESSAGE = 'Access violation: this TFTP server is read-only';
/**
 * Error 0 with this text answers a request over a transfer limit. Not error 1: a phone told "File not
 * found" would go on without its configuration (falling back to XMLDefault.cnf.xml, or its SIP loader to
 * defaults, CSCee31047), while any other error stops its hunt and it retries the TFTP sequence later;
 * tftp-hpa prints "Error code 0: Server busy…", atftp "error received from server <Server busy…>".
 */
export const BUSY_MESSAGES: Record<SlotRefusal, string> = {
  tftpMaxTransfersPerAddress: 'Server busy: too many transfers from your address, retry later',
  tftpMaxTransfers: 'Server busy: too many transfers in progress, retry later',
};

export function errorPacket(code: number, message: string): Buffer {
  return encodePacket({ type: 'error', code, message });
}

/**
 * Sends `packet` from a fresh port, as a transfer would (RFC 1350 §4), falling back to the request
 * port when no port is free.
 */
export async function replyFromNewPort(
  host: string,
  packet: Buffer,
  peer: TftpPeer,
  requestPort: Socket | null,
): Promise<void> {
  let socket: Socket;
  try {
    socket = await bindUdp(host, 0);
  } catch {
    if (requestPort) sendUdp(requestPort, packet, peer, () => undefined);
    return;
  }
  const endpoint = new UdpEndpoint(socket, () => undefined);
  endpoint.send(packet, peer);
  await endpoint.close();
}

/**
 * Sends the server's error answers within each address's budget (see ReplyBudget); an answer held
 * back is reported as the limit reached.
 */
export class ErrorAnswers {
  private readonly budget: ReplyBudget;

  constructor(
    private readonly deps: {
      host: string;
      /** The request port (UDP 69), null once stopped. */
      requestPort: () => Socket | null;
      perSecond: number;
      now: () => number;
      limits?: LimitReporter;
    },
  ) {
    this.budget = new ReplyBudget(deps.perSecond, deps.now);
  }

  /** Whether `peer` may get one more error answer this second (counted when so). */
  allowed(peer: TftpPeer): boolean {
    if (this.budget.allow(peer.address)) return true;
    this.deps.limits?.reached(
      'tftpErrorRepliesPerAddress',
      { address: peer.address },
      `TFTP error answers to ${peer.address} held back: more than ${this.deps.perSecond} a second (--tftp-error-replies-per-address); its requests are refused without an answer (a flood, or someone forging that address)`,
    );
    return false;
  }

  /** Sends an allowed answer from the request port: no socket spent on it. */
  fromRequestPort(peer: TftpPeer, code: number, message: string): void {
    const socket = this.deps.requestPort();
    if (socket) sendUdp(socket, errorPacket(code, message), peer, () => undefined);
  }

  /** Sends an allowed answer from a port of its own, as a transfer would (RFC 1350 §4). */
  fromNewPort(peer: TftpPeer, code: number, message: string): Promise<void> {
    return replyFromNewPort(this.deps.host, errorPacket(code, message), peer, this.deps.requestPort());
  }
}
