import type { Socket } from 'node:net';
import { encodeFrame } from './codec/frame.js';

/**
 * Writes one connection's frames. Those of one tick (a burst of startup answers; later a call's
 * CallState, CallInfo, lamp and soft keys) leave in one write system call.
 */
export class FrameWriter {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  /** Writes one frame unless the socket is gone; returns the bytes waiting for the peer to read them. */
  write(messageId: number, body: Buffer, headerVersion: number): number {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return 0;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    socket.write(encodeFrame(messageId, body, headerVersion));
    return socket.writableLength;
  }
}
