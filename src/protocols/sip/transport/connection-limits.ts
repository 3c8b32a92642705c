import type { LimitReporter } from '../../../services/limit-log.js';
import { AddressSlots } from '../../address-slots.js';

/** The transports that hold connections. */
export type ConnectionTransport = 'TCP' | 'TLS' | 'WS';

export interface ConnectionLimitSettings {
  /** SIP TCP connections at once in all; SIP TLS connections have the same cap, counted apart. */
  sipMaxTcpConnections: number;
  /** SIP WebSocket connections at once in all. */
  sipMaxWebSocketConnections: number;
  /** TCP, TLS and WebSocket connections of one source address (0: no limit). */
  sipMaxConnectionsPerAddress: number;
}

const NAMES: Record<ConnectionTransport, string> = { TCP: 'SIP TCP', TLS: 'SIP TLS', WS: 'SIP WebSocket' };

/**
 * The connections SIP holds, in all per transport and per source address across TCP and
 * WebSocket: each costs a file descriptor and buffers, so one host cannot take them all. A
 * connection over a cap is refused (reported); an admitted one is released when it closes.
 */
export class ConnectionLimits {
  private readonly totals: Record<ConnectionTransport, number> = { TCP: 0, TLS: 0, WS: 0 };
  /** Per source address across the transports; the totals are per transport, above. */
  private readonly byAddress: AddressSlots<'sipMaxConnectionsPerAddress'>;

  constructor(
    private readonly settings: ConnectionLimitSettings,
    private readonly limits: LimitReporter,
  ) {
    this.byAddress = new AddressSlots({
      perAddress: { max: settings.sipMaxConnectionsPerAddress, limit: 'sipMaxConnectionsPerAddress' },
    });
  }

  /** Connections held now over `transport`. */
  count(transport: ConnectionTransport): number {
    return this.totals[transport];
  }

  /** Whether a connection from `address` would be admitted now; a refusal is reported. Counts nothing. */
  allows(transport: ConnectionTransport, address: string): boolean {
    const { settings, limits } = this;
    // SIP over TLS is SIP over TCP with a handshake in front: the same cap, counted apart.
    const stream = transport !== 'WS';
    const total = stream ? settings.sipMaxTcpConnections : settings.sipMaxWebSocketConnections;
    if (this.totals[transport] >= total) {
      limits.reached(
        stream ? 'sipMaxTcpConnections' : 'sipMaxWebSocketConnections',
        { address },
        `refused a ${NAMES[transport]} connection from ${address}: the node holds ${total} already; ` +
          `raise ${stream ? '--sip-max-tcp-connections' : '--sip-max-web-socket-connections'} if these are phones`,
      );
      return false;
    }
    if (this.byAddress.refusal(address) !== null) {
      limits.reached(
        'sipMaxConnectionsPerAddress',
        { address },
        `refused a ${NAMES[transport]} connection from ${address}: that address holds ${settings.sipMaxConnectionsPerAddress} SIP connections already; ` +
          'raise --sip-max-connections-per-address if many phones share it (NAT)',
      );
      return false;
    }
    return true;
  }

  /** Counts a connection from `address` when it is allowed; false (reported) when it is not. */
  admit(transport: ConnectionTransport, address: string): boolean {
    if (!this.allows(transport, address)) return false;
    this.totals[transport]++;
    this.byAddress.take(address);
    return true;
  }

  /** An admitted connection closed. */
  release(transport: ConnectionTransport, address: string): void {
    this.totals[transport]--;
    this.byAddress.release(address);
  }
}
