import type { Logger } from 'pino';

let unexpected = 0;

/** Errors the process guard caught since the process started (`openucm_unexpected_errors_total`). */
export function unexpectedErrorCount(): number {
  return unexpected;
}

/**
 * The last line of defence: an error that escaped every handler (a throw in a callback, a
 * rejected promise nobody awaited) is logged with what it was and counted, and the node keeps
 * serving its phones instead of exiting. Every such line is a bug to report: the handler that
 * should have caught it is missing. Returns a function that removes the guard.
 */
export function installProcessGuard(logger: Logger): () => void {
  const onException = (error: Error, origin: string) => {
    unexpected++;
    logger.error(
      { err: error, origin },
      `unexpected error that no handler caught (${error?.message ?? String(error)}); the node keeps serving. This is a bug in openucm: please report this log line`,
    );
  };
  const onRejection = (reason: unknown) => {
    unexpected++;
    const message = reason instanceof Error ? reason.message : String(reason);
    logger.error(
      { err: reason },
      `unexpected failure of a promise nobody waited for (${message}); the node keeps serving. This is a bug in openucm: please report this log line`,
    );
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
