import type { AccessChange, AccessChanges } from '../services/access-changes.js';
import { endsCredential } from '../services/access-changes.js';
import type { LimitReporter } from '../services/limit-log.js';
import { ApiError } from './api-errors.js';
import type { Principal } from './auth.js';

interface OpenStream {
  principal: Principal;
  close: () => void;
}

/**
 * The open event streams (GET /api/v1/events) of one node: at most `perUser` per user and `total`
 * in all; a stream whose session ends, API key is revoked, password changes or user is deleted is
 * closed as soon as that change is stored.
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();
  private readonly perUser = new Map<string, number>();
  private readonly onChange = (change: AccessChange) => {
    for (const stream of [...this.open]) if (endsCredential(change, stream.principal)) stream.close();
  };

  constructor(
    private readonly deps: {
      perUser: number;
      total: number;
      limits: LimitReporter;
      changes: AccessChanges;
    },
  ) {
    deps.changes.on('change', this.onChange);
  }

  /**
   * Registers a stream about to open; `close` ends it. Returns what to call once it has ended.
   * Throws a 429 ApiError (reported) when a cap is reached.
   */
  admit(principal: Principal, address: string, close: () => void): () => void {
    const { perUser, total, limits } = this.deps;
    const user = principal.name;
    const mine = this.perUser.get(user) ?? 0;
    if (this.open.size >= total) {
      const message = `the node has ${total} event streams open in all (--http-max-event-streams): try again later, or close pages left open elsewhere`;
      limits.reached(
        'httpMaxEventStreams',
        { address, user },
        `refused an event stream for ${user} from ${address}: ${message}`,
      );
      throw new ApiError('too-many-requests', message);
    }
    if (mine >= perUser) {
      const message = `${user} has ${mine} event streams open already (--http-max-event-streams-per-user): close browser tabs or scripts that watch the node, then try again`;
      limits.reached(
        'httpMaxEventStreamsPerUser',
        { address, user },
        `refused an event stream for ${user} from ${address}: ${message}`,
      );
      throw new ApiError('too-many-requests', message);
    }
    const stream: OpenStream = { principal, close };
    this.open.add(stream);
    this.perUser.set(user, mine + 1);
    return () => {
      if (!this.open.delete(stream)) return;
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left === 0) this.perUser.delete(user);
      else this.perUser.set(user, left);
    };
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every stream (the node is stopping). */
  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }

  dispose(): void {
    this.deps.changes.off('change', this.onChange);
  }
}
