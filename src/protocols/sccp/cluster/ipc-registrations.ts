import type { DeviceProtocol } from '../../../core/device.js';
import type { RegistrationRequest, RegistrationResult } from '../../../core/registration.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { DeviceConnection } from '../../../services/live-registry.js';
import type { SccpRegistrations } from '../registrations.js';
import type { RegistrationsToWorker, WorkerToPrimary } from './ipc-messages.js';

interface Pending {
  resolve(result: RegistrationResult): void;
  reject(error: Error): void;
  conn: number;
}

/**
 * The worker side of registration: forwards Register and unregistrations to the primary over
 * IPC and carries out the primary's Reset/close on the session it names.
 */
export class IpcRegistrations implements SccpRegistrations {
  private nextRequest = 1;
  private nextConn = 1;
  private readonly pending = new Map<number, Pending>();
  /** Connections the primary knows by number (from Register until unregistered or rejected). */
  private readonly connections = new Map<number, DeviceConnection>();
  private readonly numbers = new WeakMap<DeviceConnection, number>();

  constructor(
    readonly nodeName: string,
    private readonly send: (message: WorkerToPrimary) => void,
  ) {}

  private numberOf(connection: DeviceConnection): number {
    let n = this.numbers.get(connection);
    if (n === undefined) {
      n = this.nextConn++;
      this.numbers.set(connection, n);
    }
    return n;
  }

  register(request: RegistrationRequest, connection: DeviceConnection): Promise<RegistrationResult> {
    const id = this.nextRequest++;
    const conn = this.numberOf(connection);
    this.connections.set(conn, connection);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, conn });
      this.send({ type: 'register', id, conn, request: { ...request, model: request.model?.model } });
    });
  }

  unregistered(
    device: { name: string; protocol: DeviceProtocol; model: string },
    connection: DeviceConnection,
    reason: UnregistrationReason,
  ): void {
    const conn = this.numbers.get(connection);
    if (conn === undefined) return;
    this.connections.delete(conn);
    this.send({ type: 'unregistered', conn, device, reason });
  }

  /** Handles a message of the primary. */
  receive(message: RegistrationsToWorker): void {
    switch (message.type) {
      case 'register-result': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        if (message.result.kind === 'rejected') this.connections.delete(p.conn);
        p.resolve(message.result);
        return;
      }
      case 'register-failed': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        this.connections.delete(p.conn);
        p.reject(new Error(message.message));
        return;
      }
      case 'reset':
        this.connections.get(message.conn)?.reset(message.resetType);
        return;
      case 'close':
        this.connections.get(message.conn)?.close(message.reason);
        return;
    }
  }

  /** The primary is gone: every decision still awaited fails. */
  failPending(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}
