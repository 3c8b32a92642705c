import type { Logger } from 'pino';

let unexpected = 0;

/** Errors the process guard caught since the process started (`openucm_unexpected_errors_total`), its workers' included. */
export function unexpectedErrorCount(): number {
  return unexpected;
}

/** How an error escaped: a throw nobody caught, or a rejected promise nobody awaited. */
export type UnexpectedOrigin = 'uncaughtException' | 'unhandledRejection';

/** An unexpected error as it crosses a process boundary (an SCCP worker tells the primary). */
export interface UnexpectedErrorReport {
  origin: UnexpectedOrigin;
  name: string;
  message: string;
  stack?: string;
}

export function describeUnexpected(error: unknown, origin: UnexpectedOrigin): UnexpectedErrorReport {
  if (error instanceof Error) return { origin, name: error.name, message: error.message, stack: error.stack };
  return { origin, name: 'Error', message: String(error) };
}

/**
 * Counts an unexpected error of this process or of one of its workers and logs it with what it was
 * and where (`context`, e.g. `{ sccpWorker: 2 }`).
 */
export function reportUnexpected(
  logger: Logger,
  report: UnexpectedErrorReport,
  context: Record<string, unknown> = {},
): void {
  unexpected++;
  const err = Object.assign(new Error(report.message), { name: report.name, stack: report.stack });
  const where = context.sccpWorker !== undefined ? ` in SCCP worker ${String(context.sccpWorker)}` : '';
  const what =
    report.origin === 'uncaughtException'
      ? `unexpected error that no handler caught${where} (${report.message})`
      : `unexpected failure of a promise nobody waited for${where} (${report.message})`;
  logger.error(
    { err, origin: report.origin, ...context },
    `${what}; the node keeps serving. This is a bug in openucm: please report this log line`,
  );
}

/**
 * The last line of defence: an error that escaped every handler (a throw in a callback, a
 * rejected promise nobody awaited) is logged with what it was and counted, and the node keeps
 * serving its phones instead of exiting. Every such line is a bug to report: the handler that
 * should have caught it is missing. A worker process passes `forward`, which hands the error to
 * the primary's guard (its log and its /metrics are the node's). Returns a function that removes
 * the guard.
 */
export function installProcessGuard(
  logger: Logger,
  forward: (report: UnexpectedErrorReport) => void = (report) => reportUnexpected(logger, report),
): () => void {
  const onException = (error: Error) => forward(describeUnexpected(error, 'uncaughtException'));
  const onRejection = (reason: unknown) => forward(describeUnexpected(reason, 'unhandledRejection'));
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
