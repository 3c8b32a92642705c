import type { DeviceProtocol } from '../core/device.js';
import type { UnregistrationReason } from '../core/registration-event.js';

/**
 * What an administrator asks of a registered phone: reboot, re-register, or apply its changed
 * configuration (CUCM 7.x Apply Config: the phone decides whether it must restart).
 */
export type ResetType = 'reset' | 'restart' | 'apply-config';
/** Every ResetType, for request schemas. */
export const RESET_TYPES = ['reset', 'restart', 'apply-config'] as const satisfies readonly ResetType[];

/** A registered phone's signalling connection, as services may act on it. */
export interface DeviceConnection {
  protocol: DeviceProtocol;
  /** Address the device registered from. */
  address: string;
  /** The signalling transport of the registration (SIP: UDP, TCP, TLS or WS), when the adapter says. */
  readonly transport?: 'UDP' | 'TCP' | 'TLS' | 'WS';
  /** Tells the phone to reboot (`reset`) or to re-register (`restart`). */
  reset(type: ResetType): void;
  /** Ends the registration from the server side. */
  close(reason: UnregistrationReason): void;
}

/** The devices registered on this node right now, in memory: the hot path never asks the database. */
export class LiveRegistry {
  private readonly connections = new Map<string, DeviceConnection>();

  /** Records `connection` for `deviceName`; returns the connection it replaces, if any. */
  claim(deviceName: string, connection: DeviceConnection): DeviceConnection | undefined {
    const previous = this.connections.get(deviceName);
    this.connections.set(deviceName, connection);
    return previous === connection ? undefined : previous;
  }

  /** Forgets `deviceName` if `connection` still holds it; true when it did. */
  release(deviceName: string, connection: DeviceConnection): boolean {
    if (this.connections.get(deviceName) !== connection) return false;
    this.connections.delete(deviceName);
    return true;
  }

  get(deviceName: string): DeviceConnection | undefined {
    return this.connections.get(deviceName);
  }

  get size(): number {
    return this.connections.size;
  }

  entries(): IterableIterator<[string, DeviceConnection]> {
    return this.connections.entries();
  }
}
