/** What the drivers count while they deliver inputs; shared by every transport. */

export interface DeliveryStats {
  /** Inputs handed to the network (datagrams, frames or messages written, WebSocket messages). */
  inputs: number;
  /** Connections opened (TCP, WebSocket) or cases sent (UDP). */
  cases: number;
  /** Answers recognised: SIP or HTTP status lines, Skinny frames, datagrams. */
  answers: number;
  /** SIP and HTTP answers by status code. */
  statuses: Map<number, number>;
  /** Packets sent in answer to the node (TFTP ACKs and errors to a transfer). */
  followUps: number;
  /** Connections that could not be opened (refused, reset, timed out). */
  connectFailures: number;
  /** The first cases that drew a 500 answer: a server error is a bug too. */
  serverErrorCases: Buffer[][];
}

/** Cases kept as examples of 5xx answers, per driver. */
const SERVER_ERROR_EXAMPLES = 5;

/** Keeps `inputs` as an example when its connection drew a 500 answer. */
export function noteServerErrors(stats: DeliveryStats, serverErrors: number, inputs: Buffer[]): void {
  if (serverErrors > 0 && stats.serverErrorCases.length < SERVER_ERROR_EXAMPLES)
    stats.serverErrorCases.push(inputs);
}

export function emptyStats(): DeliveryStats {
  return {
    inputs: 0,
    cases: 0,
    answers: 0,
    statuses: new Map(),
    followUps: 0,
    connectFailures: 0,
    serverErrorCases: [],
  };
}

/** Counts answers in the bytes received on one connection; returns how many were 500s. */
export type AnswerCounter = (chunk: Buffer, stats: DeliveryStats) => number;

/** Status lines of SIP and HTTP (`SIP/2.0 200`, `HTTP/1.1 404`), counted by code; robust to chunking. */
export function statusLineCounter(): AnswerCounter {
  let carry = '';
  return (chunk, stats) => {
    const text = carry + chunk.toString('latin1');
    const re = /(?:^|\n)(?:SIP|HTTP)\/\d\.\d (\d{3})/g;
    let last = 0;
    let serverErrors = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      stats.answers++;
      const code = Number(m[1]);
      // 500 is the server's own failure; 501, 503, 505, 513 are answers the protocols define.
      if (code === 500) serverErrors++;
      stats.statuses.set(code, (stats.statuses.get(code) ?? 0) + 1);
      last = re.lastIndex;
    }
    // Keep a tail in case a status line is split between chunks.
    carry = text.slice(Math.max(last, text.length - 16));
    return serverErrors;
  };
}

/**
 * How many connections a driver keeps open at once, steered by the probes' answer time (additive
 * increase, multiplicative decrease, as TCP does with its window). A connection the fuzzer gave up
 * on still waits in the node's accept queue, and the probes wait behind it: when the node answers
 * a probe slowly, the fuzzer is ahead of it and backs off.
 */
export class ConnectionPace {
  current: number;

  constructor(private readonly max: number) {
    this.current = Math.min(16, max);
  }

  probed(ms: number): void {
    if (ms > 1000) this.current = Math.max(4, Math.floor(this.current / 2));
    else if (ms < 300) this.current = Math.min(this.max, this.current + 4);
  }
}

/** Delivers the cases of one batch: every case on its own flow (a socket, a connection). */
export interface Driver {
  readonly stats: DeliveryStats;
  open(): Promise<void>;
  /** Resolves once each case was sent and its connection closed or given up. */
  deliver(cases: Buffer[][]): Promise<void>;
  /** Told how long the last liveness probe took, to send faster or slower (see ConnectionPace). */
  pace?(probeMs: number): void;
  close(): Promise<void>;
}
