import type { Party } from '../../../core/call/call.js';
import type { LegEvent } from '../../../services/calls/call-ports.js';
import type { SccpCallDevice, SccpCallEndpoint, SccpCalls } from '../calls.js';
import type { CallsToWorker, ForwardReplyToWorker, WorkerToPrimary } from './ipc-messages.js';

/**
 * The worker side of calls: a session's call events go to the primary's SccpCallAdapter, named
 * by (conn, callReference); the leg commands it sends back reach the session that conn names.
 * Both directions keep their order (one IPC channel per worker, batches in order).
 */
export class IpcCalls implements SccpCalls {
  private nextConn = 1;
  private readonly numbers = new Map<SccpCallEndpoint, number>();
  private readonly endpoints = new Map<number, SccpCallEndpoint>();

  constructor(private readonly post: (message: WorkerToPrimary) => void) {}

  attach(endpoint: SccpCallEndpoint, device: SccpCallDevice): void {
    let conn = this.numbers.get(endpoint);
    if (conn === undefined) {
      conn = this.nextConn++;
      this.numbers.set(endpoint, conn);
      this.endpoints.set(conn, endpoint);
    }
    this.post({ type: 'call-attach', conn, device });
  }

  detach(endpoint: SccpCallEndpoint): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.numbers.delete(endpoint);
    this.endpoints.delete(conn);
    this.post({ type: 'call-detach', conn });
  }

  offHook(
    endpoint: SccpCallEndpoint,
    callReference: number,
    line: number,
    party: Party,
    placesCall = false,
  ): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.post({
      type: 'call-off-hook',
      conn,
      callReference,
      line,
      party,
      ...(placesCall ? { placesCall } : {}),
    });
  }

  send(endpoint: SccpCallEndpoint, callReference: number, event: LegEvent): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.post({ type: 'call-event', conn, callReference, event });
  }

  forwardAll(endpoint: SccpCallEndpoint, line: number, dn: string, target: string | undefined): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.post({ type: 'call-forward-all', conn, line, dn, ...(target === undefined ? {} : { target }) });
  }

  /** The node's answer to a CFwdAll, for a session still here. */
  receiveForwardReply(message: ForwardReplyToWorker): void {
    this.endpoints.get(message.conn)?.forwardReply?.(message.line, message.reply);
  }

  transfer(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.post({ type: 'call-transfer', conn, heldReference, consultReference });
  }

  conference(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void {
    const conn = this.numbers.get(endpoint);
    if (conn === undefined) return;
    this.post({ type: 'call-conference', conn, heldReference, consultReference });
  }

  /** A leg command from the primary, for a session still here. */
  receive(message: CallsToWorker): void {
    this.endpoints.get(message.conn)?.command(message.callReference, message.line, message.command);
  }
}
