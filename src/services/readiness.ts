import type { Logger } from 'pino';

/** The listeners a node must have up to take phones and administrators. */
export const LISTENERS = ['http', 'sccp', 'sip', 'tftp'] as const;
export type Listener = (typeof LISTENERS)[number];

/** What /readyz answers: ready, or why not (no addresses, URLs or other secrets). */
export interface ReadinessReport {
  ready: boolean;
  node: string;
  database: 'ok' | 'unreachable' | 'slow';
  listeners: Record<Listener, 'up' | 'down'>;
  /** One sentence per thing not ready: what, and what to do. Empty when ready. */
  problems: string[];
}

export interface ReadinessDeps {
  nodeName: string;
  /** One query to the database; rejects when it cannot be answered. */
  probe(): Promise<void>;
  /** How long the probe may take before the database counts as not answering. */
  probeTimeoutMs: number;
  /** A report younger than this is answered again without a new probe (load balancers poll often). */
  reuseMs: number;
  /** Milliseconds, monotonic. */
  now(): number;
  /** Told when the database probe starts or stops failing (with the error, which the answer leaves out). */
  logger: Logger;
}

/**
 * Whether this node is ready for traffic (GET /readyz, for supervisors and load balancers): its
 * listeners are up and the database answers a query within a short timeout. At most one probe is
 * in flight, and a fresh report is reused, so that however often it is polled the database sees
 * at most one query per `reuseMs`.
 */
export class Readiness {
  private readonly up = new Set<Listener>();
  private stopping = false;
  private inFlight: Promise<ReadinessReport> | null = null;
  private last: { at: number; report: ReadinessReport } | null = null;
  private databaseFailing = false;

  constructor(private readonly deps: ReadinessDeps) {}

  /** `listener` accepts connections (or datagrams) now. */
  listening(listener: Listener): void {
    this.up.add(listener);
    this.last = null;
  }

  /** The node is stopping: from now on it is not ready, whatever the database says. */
  stop(): void {
    this.stopping = true;
    this.up.clear();
    this.last = null;
  }

  check(): Promise<ReadinessReport> {
    const { now, reuseMs } = this.deps;
    if (this.last && now() - this.last.at < reuseMs) return Promise.resolve(this.last.report);
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async probe(): Promise<ReadinessReport> {
    const { nodeName, probeTimeoutMs } = this.deps;
    const database = await this.probeDatabase();
    const listeners = Object.fromEntries(LISTENERS.map((l) => [l, this.up.has(l) ? 'up' : 'down'])) as Record<
      Listener,
      'up' | 'down'
    >;
    const problems: string[] = [];
    if (this.stopping) problems.push(`node ${nodeName} is stopping`);
    else {
      const down = LISTENERS.filter((l) => !this.up.has(l));
      if (down.length > 0)
        problems.push(
          `node ${nodeName}: the ${down.join(', ')} listener(s) are not up yet (starting, or could not bind: see the node log)`,
        );
    }
    if (database === 'unreachable')
      problems.push(
        `node ${nodeName} cannot reach its database: a query failed. Phones already registered keep working; check that the database is up and reachable (the node log has the error)`,
      );
    if (database === 'slow')
      problems.push(
        `node ${nodeName}: the database did not answer a query within ${probeTimeoutMs} ms; check its load and the network to it`,
      );
    const report: ReadinessReport = {
      ready: problems.length === 0,
      node: nodeName,
      database,
      listeners,
      problems,
    };
    this.last = { at: this.deps.now(), report };
    return report;
  }

  private async probeDatabase(): Promise<ReadinessReport['database']> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), this.deps.probeTimeoutMs);
    });
    try {
      return await Promise.race([
        this.deps.probe().then(
          () => {
            if (this.databaseFailing)
              this.deps.logger.info({ node: this.deps.nodeName }, 'readiness: the database answers again');
            this.databaseFailing = false;
            return 'ok' as const;
          },
          (error: unknown) => {
            if (!this.databaseFailing)
              this.deps.logger.warn(
                { err: error, node: this.deps.nodeName },
                `readiness: node ${this.deps.nodeName} cannot query its database (${(error as Error).message}); /readyz answers 503 until it can`,
              );
            this.databaseFailing = true;
            return 'unreachable' as const;
          },
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
