/**
 * How many SCCP phones a node can hold, and in how many processes. A phone is a socket, a socket
 * is a file descriptor, and a process may hold at most its open-file limit of them: past it every
 * accept fails, and so does whatever else the process opens (the database, HTTP, SIP). So each
 * process that holds phones gets a budget below its limit, and the node holds the phones it was
 * asked for (--sccp-max-connections) in as many worker processes as their budgets need.
 */

export interface SccpCapacityInput {
  /** Open files each process may hold (null: the system does not say; then it is not planned for). */
  openFileLimit: number | null;
  /** CPU cores of the machine: bounds the worker processes forked by default. */
  cores: number;
  /** --sccp-max-connections: phones the node should hold at once in all. */
  maxConnections: number;
  /** --sccp-workers when given (0: in the node's process); undefined: chosen here. */
  workers: number | undefined;
  /** Files the node's own process must keep for its other listeners (SIP, TFTP, HTTP) and the database. */
  reservedInNodeProcess: number;
}

export interface SccpCapacity {
  /** SCCP worker processes (0: the node's own process holds the phones). */
  workers: number;
  /** Phones one SCCP process holds at most. */
  perProcess: number;
  /** Phones the node holds at most, in all its SCCP processes. */
  nodeCapacity: number;
  /** What sets nodeCapacity, with what to change: for the refusal log lines. */
  limitedBy: string;
  /** One line for the start-up log. */
  summary: string;
  /** Settings that do not fit together, each with what to change. */
  warnings: string[];
}

/** Files a process keeps besides its phones' sockets: a tenth of its limit, at least 100 (logs, IPC, libraries). */
export function phonesWithinFileLimit(openFileLimit: number): number {
  return Math.max(0, openFileLimit - Math.max(100, Math.ceil(openFileLimit / 10)));
}

/** Default worker processes at most: a worker costs memory and start-up time, so a small fd limit does not fork dozens. */
export function maxDefaultWorkers(cores: number): number {
  return Math.max(2, 2 * cores);
}

export function planSccpCapacity(input: SccpCapacityInput): SccpCapacity {
  const { openFileLimit: files, maxConnections: max, reservedInNodeProcess: reserved } = input;
  const flag = `--sccp-max-connections ${max}`;
  const warnings: string[] = [];
  if (files === null) {
    const workers = input.workers ?? 0;
    const perProcess = workers > 0 ? Math.ceil(max / workers) : max;
    return finish({ workers, perProcess, nodeCapacity: max, limitedBy: flag, warnings }, max);
  }
  const perWorker = phonesWithinFileLimit(files);
  const inNodeProcess = perWorker - reserved;
  if (reserved > perWorker)
    warnings.push(
      `the open-file limit of ${files} is below what SIP, TFTP and HTTP may hold at their limits (${reserved} files): raise it (ulimit -n) or lower their connection limits`,
    );
  const workers =
    input.workers ??
    (inNodeProcess >= max
      ? 0
      : Math.min(Math.ceil(max / Math.max(1, perWorker)), maxDefaultWorkers(input.cores)));
  if (workers === 0) {
    // What the other listeners leave, but at least a quarter: SCCP in the node's process was asked for.
    const floor = Math.floor(perWorker / 4);
    if (inNodeProcess < floor && max > inNodeProcess)
      warnings.push(
        `SCCP in the node's process may hold ${Math.min(max, floor)} phones, although SIP, TFTP and HTTP at their limits would leave it ${Math.max(0, inNodeProcess)} of the open-file limit of ${files}: leave --sccp-workers unset (SCCP then runs in worker processes), raise the limit (ulimit -n) or lower their connection limits`,
      );
    const perProcess = Math.min(max, Math.max(inNodeProcess, floor));
    const limitedBy =
      perProcess === max
        ? flag
        : `the open-file limit of ${files}, which the node's process shares with SIP, TFTP and HTTP: leave --sccp-workers unset (SCCP then runs in worker processes) or raise the limit (ulimit -n)`;
    return finish({ workers, perProcess, nodeCapacity: perProcess, limitedBy, warnings }, max);
  }
  const perProcess = Math.min(perWorker, Math.ceil(max / workers));
  const nodeCapacity = Math.min(max, workers * perProcess);
  const limitedBy =
    nodeCapacity === max
      ? flag
      : `the open-file limit of ${files} lets each of the ${workers} SCCP worker processes hold ${perWorker}: raise the limit (ulimit -n) or --sccp-workers`;
  return finish({ workers, perProcess, nodeCapacity, limitedBy, warnings }, max);
}

function finish(plan: Omit<SccpCapacity, 'summary'>, max: number): SccpCapacity {
  const { workers, perProcess, nodeCapacity, limitedBy } = plan;
  const n = (v: number) => v.toLocaleString('en-US');
  if (nodeCapacity < max)
    plan.warnings.push(
      `this node can hold ${n(nodeCapacity)} SCCP phones, fewer than --sccp-max-connections ${max}: ${limitedBy}`,
    );
  const summary =
    workers > 0
      ? `SCCP in ${workers} worker processes of up to ${n(perProcess)} phones each: this node holds at most ${n(nodeCapacity)} (${limitedBy})`
      : `SCCP in the node's process: this node holds at most ${n(nodeCapacity)} phones (${limitedBy})`;
  return { ...plan, summary };
}
