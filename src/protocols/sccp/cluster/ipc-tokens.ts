import type { FallbackTokens, TokenAnswer } from '../fallback-pacer.js';
import type { WorkerToPrimary } from './ipc-messages.js';

/**
 * The worker side of the node's fallback pacer: the pace is node-wide, so an SCCP worker asks the
 * primary process for each token (RegisterTokenRequest) and hands its answer back to the session.
 */
export class IpcFallbackTokens implements FallbackTokens {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(a: TokenAnswer): void; reject(e: Error): void }>();

  constructor(private readonly send: (message: WorkerToPrimary) => void) {}

  request(device: string, address: string): Promise<TokenAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'token-request', id, device, address });
    });
  }

  /** The primary's answer. */
  receive(message: { id: number; answer: TokenAnswer }): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    p.resolve(message.answer);
  }

  /** The primary is gone: every answer still awaited fails. */
  failPending(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}
