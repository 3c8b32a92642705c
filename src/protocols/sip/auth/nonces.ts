/**
 * Digest nonces: self-validating (time + random + HMAC), so any nonce this process issued can be
 * checked without state; they expire after a lifetime (then the client is told `stale=true`), and
 * each use is remembered so that a replayed request is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const RANDOM_BYTES = 8;
const MAC_BYTES = 12;
const TIME_BYTES = 6;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;

export type NonceCheck = 'fresh' | 'stale' | 'replay';

/** What identifies one use of a nonce. */
export interface NonceUse {
  /** The nonce-count, when the client used qop. */
  readonly nc?: number;
  readonly callId: string;
  readonly cseq: number;
}

interface UseState {
  nc: number;
  callId: string;
  cseq: number;
}

export class NonceManager {
  private readonly secret: Buffer;
  private readonly uses = new Map<string, UseState>();

  constructor(
    private readonly options: {
      now: () => number;
      /** How long a nonce is good for, ms. */
      lifetimeMs: number;
      /** Most nonce uses remembered (oldest forgotten first). */
      maxTracked?: number;
      secret?: Buffer;
    },
  ) {
    this.secret = options.secret ?? randomBytes(32);
  }

  /** A new nonce. */
  issue(): string {
    const buf = Buffer.allocUnsafe(NONCE_BYTES);
    buf.writeUIntBE(this.options.now(), 0, TIME_BYTES);
    randomBytes(RANDOM_BYTES).copy(buf, TIME_BYTES);
    this.mac(buf.subarray(0, TIME_BYTES + RANDOM_BYTES)).copy(buf, TIME_BYTES + RANDOM_BYTES);
    return buf.toString('base64url');
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(data).digest().subarray(0, MAC_BYTES);
  }

  /**
   * Checks a nonce whose digest response was already verified, and records the use.
   * RFC 7616 §3.3: "stale: ... indicating that the previous request from the client was rejected because the nonce
   * value was stale" — an expired nonce, or one this process did not issue (a restart), is stale.
   * RFC 7616 §3.4 (nc): "if the same nc value is seen twice, then the request is a replay". With qop the
   * nonce-count must grow; without qop a nonce stays with the one registration (Call-ID) that first used
   * it, and the CSeq must grow.
   */
  check(nonce: string, use: NonceUse): NonceCheck {
    const buf = Buffer.from(nonce, 'base64url');
    if (buf.length !== NONCE_BYTES || buf.toString('base64url') !== nonce) return 'stale';
    const mac = this.mac(buf.subarray(0, TIME_BYTES + RANDOM_BYTES));
    if (!timingSafeEqual(mac, buf.subarray(TIME_BYTES + RANDOM_BYTES))) return 'stale';
    const issued = buf.readUIntBE(0, TIME_BYTES);
    const now = this.options.now();
    if (now - issued > this.options.lifetimeMs || issued - now > 60_000) {
      this.uses.delete(nonce);
      return 'stale';
    }
    const state = this.uses.get(nonce);
    if (state !== undefined) {
      if (use.nc !== undefined) {
        if (use.nc <= state.nc) return 'replay';
      } else if (use.callId !== state.callId || use.cseq <= state.cseq) {
        return 'replay';
      }
      state.nc = use.nc ?? state.nc;
      state.callId = use.callId;
      state.cseq = use.cseq;
      return 'fresh';
    }
    this.uses.set(nonce, { nc: use.nc ?? 0, callId: use.callId, cseq: use.cseq });
    const max = this.options.maxTracked ?? 200_000;
    if (this.uses.size > max) {
      const oldest = this.uses.keys().next().value;
      if (oldest !== undefined) this.uses.delete(oldest);
    }
    return 'fresh';
  }

  /** Forgets uses of nonces that have expired anyway. */
  prune(): void {
    const now = this.options.now();
    for (const nonce of this.uses.keys()) {
      const buf = Buffer.from(nonce, 'base64url');
      if (now - buf.readUIntBE(0, TIME_BYTES) <= this.options.lifetimeMs) break;
      this.uses.delete(nonce);
    }
  }
}
