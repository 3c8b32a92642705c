import type { Logger } from 'pino';
import type { CallDetailRecord } from '../../core/call/cdr.js';
import type { LiveEvents } from '../live-events.js';
import type { StatusWriter } from '../status-writer.js';
import type { CdrSink } from './call-ports.js';

/**
 * The call service's CdrSink: a finished call's record joins the node's batched database writes,
 * and the Call Detail Records page is told once it is stored (never before: it must be there to list).
 */
export class CdrRecorder implements CdrSink {
  constructor(
    private readonly deps: {
      statusWriter: Pick<StatusWriter, 'cdr'>;
      live: LiveEvents;
      nodeName: string;
      logger: Logger;
    },
  ) {}

  write(cdr: CallDetailRecord): void {
    const { statusWriter, live, nodeName, logger } = this.deps;
    void statusWriter
      .cdr({ node: nodeName, cdr })
      .then(() => live.emit('call-detail-record', { node: nodeName, cdr }))
      // A live listener that throws must not become an unhandled rejection: the record is stored.
      .catch((error: unknown) =>
        logger.error(
          { err: error, globalCallID: cdr.globalCallID_callId },
          'a call detail record was stored but the live pages could not be told; they show it at their next reload',
        ),
      );
  }
}
