/**
 * A tiny pcap writer for tests: classic libpcap format, Ethernet + IPv4 + TCP frames with
 * correct lengths and sequence numbers. The IPv4 header checksum is computed; the TCP checksum
 * is left 0 (Wireshark does not verify it by default).
 */

/** One side of a TCP conversation. */
export interface TcpEndpoint {
  ip: string;
  port: number;
  /** 6-byte MAC as 12 hex digits; defaults derive from the IP. */
  mac?: string;
}

const PCAP_MAGIC = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

/** Collects packets and renders a pcap file. */
export class PcapWriter {
  private readonly records: Buffer[] = [];
  private micros = 0;

  /** Append one link-layer (Ethernet) frame, 1 ms after the previous one. */
  addFrame(frame: Buffer): void {
    this.micros += 1000;
    const header = Buffer.alloc(16);
    header.writeUInt32LE(1_767_225_600 + Math.floor(this.micros / 1e6), 0);
    header.writeUInt32LE(this.micros % 1e6, 4);
    header.writeUInt32LE(frame.length, 8);
    header.writeUInt32LE(frame.length, 12);
    this.records.push(header, frame);
  }

  /** The whole file: global header + records. */
  toBuffer(): Buffer {
    const global = Buffer.alloc(24);
    global.writeUInt32LE(PCAP_MAGIC, 0);
    global.writeUInt16LE(2, 4);
    global.writeUInt16LE(4, 6);
    global.writeInt32LE(0, 8); // thiszone
    global.writeUInt32LE(0, 12); // sigfigs
    global.writeUInt32LE(65535, 16); // snaplen
    global.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    return Buffer.concat([global, ...this.records]);
  }
}

/** A TCP connection between a client and a server, written into a {@link PcapWriter}. */
export class TcpConversation {
  private clientSeq = 1000;
  private serverSeq = 5000;
  private ipId = 1;

  constructor(
    private readonly pcap: PcapWriter,
    private readonly client: TcpEndpoint,
    private readonly server: TcpEndpoint,
  ) {}

  /** SYN, SYN-ACK, ACK. */
  handshake(): void {
    this.segment('client', TCP_SYN, Buffer.alloc(0));
    this.clientSeq += 1;
    this.segment('server', TCP_SYN | TCP_ACK, Buffer.alloc(0));
    this.serverSeq += 1;
    this.segment('client', TCP_ACK, Buffer.alloc(0));
  }

  /** One TCP segment carrying `payload` (e.g. one or several Skinny frames). */
  send(from: 'client' | 'server', payload: Buffer): void {
    this.segment(from, TCP_PSH | TCP_ACK, payload);
    if (from === 'client') this.clientSeq += payload.length;
    else this.serverSeq += payload.length;
  }

  /** FIN from the client, answered by the server's FIN. */
  close(): void {
    this.segment('client', TCP_FIN | TCP_ACK, Buffer.alloc(0));
    this.clientSeq += 1;
    this.segment('server', TCP_FIN | TCP_ACK, Buffer.alloc(0));
    this.serverSeq += 1;
    this.segment('client', TCP_ACK, Buffer.alloc(0));
  }

  private segment(from: 'client' | 'server', flags: number, payload: Buffer): void {
    const [src, dst] = from === 'client' ? [this.client, this.server] : [this.server, this.client];
    const [seq, ack] =
      from === 'client' ? [this.clientSeq, this.serverSeq] : [this.serverSeq, this.clientSeq];

    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(src.port, 0);
    tcp.writeUInt16BE(dst.port, 2);
    tcp.writeUInt32BE(seq >>> 0, 4);
    tcp.writeUInt32BE(flags & TCP_ACK ? ack >>> 0 : 0, 8);
    tcp.writeUInt8(5 << 4, 12); // data offset: 5 words
    tcp.writeUInt8(flags, 13);
    tcp.writeUInt16BE(65535, 14); // window
    // checksum (16) and urgent pointer (18) stay 0

    const ip = Buffer.alloc(20);
    ip.writeUInt8(0x45, 0); // version 4, IHL 5
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip.writeUInt16BE(this.ipId++ & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip.writeUInt8(64, 8); // TTL
    ip.writeUInt8(6, 9); // TCP
    ipv4Bytes(src.ip).copy(ip, 12);
    ipv4Bytes(dst.ip).copy(ip, 16);
    ip.writeUInt16BE(ipChecksum(ip), 10);

    const ethernet = Buffer.alloc(14);
    macBytes(dst).copy(ethernet, 0);
    macBytes(src).copy(ethernet, 6);
    ethernet.writeUInt16BE(0x0800, 12);

    this.pcap.addFrame(Buffer.concat([ethernet, ip, tcp, payload]));
  }
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function macBytes(endpoint: TcpEndpoint): Buffer {
  return Buffer.from(endpoint.mac ?? '02' + '00' + ipv4Bytes(endpoint.ip).toString('hex'), 'hex');
}

/** RFC 791 header checksum: one's complement of the one's-complement sum of 16-bit words. */
function ipChecksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
