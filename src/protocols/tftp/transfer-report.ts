/**
 * Turns how a transfer ended into the event the provisioning layer records and the log line an operator
 * reads (what happened, to which peer, and what to check).
 */
import type { Logger } from 'pino';
import type { FoldedWarnings } from '../../services/folded-warning.js';
import type { TftpEvent } from './events.js';
import type { TftpPeer } from '../../services/file-source.js';
import type { ReadTransferOutcome } from './transfer.js';
import { tftpExample } from './warnings.js';
import type { TftpWarningKind } from './warnings.js';

export function reportTransferOutcome(
  log: Logger,
  warnings: FoldedWarnings<TftpWarningKind>,
  emit: (event: TftpEvent) => void,
  file: string,
  peer: TftpPeer,
  outcome: ReadTransferOutcome,
): void {
  switch (outcome.kind) {
    case 'completed':
      log.info(
        { peer, file, bytes: outcome.bytes, blocks: outcome.blocks, ms: Math.round(outcome.durationMs) },
        'TFTP read completed',
      );
      emit({ type: 'read-completed', file, peer, bytes: outcome.bytes });
      return;
    case 'timed-out': {
      const detail =
        `no ${outcome.waitingFor} after ${outcome.retransmissions} retransmissions; ` +
        'the phone went away or a firewall/NAT drops the reply from our transfer port ' +
        '(TFTP answers from a new UDP port, not 69)';
      warnings.warn(
        'timedOut',
        { peer, file, bytes: outcome.bytes },
        `TFTP read timed out: ${detail}`,
        tftpExample(peer, file),
        peer.address,
      );
      emit({ type: 'timed-out', file, peer, bytes: outcome.bytes, detail });
      return;
    }
    case 'peer-error': {
      const detail =
        // The text comes from the network and may fill a 64 KB datagram: a log line gets the start of it.
        `client sent error ${outcome.code} ${JSON.stringify(outcome.message.slice(0, 200))}` +
        (outcome.duringNegotiation
          ? ' in answer to our option acknowledgement (OACK); it should retry without options'
          : '');
      warnings.warn(
        'aborted',
        { peer, file, bytes: outcome.bytes },
        `TFTP read aborted by the client: ${detail}`,
        tftpExample(peer, file),
        peer.address,
      );
      emit({ type: 'aborted', file, peer, bytes: outcome.bytes, detail });
      return;
    }
    case 'read-failed': {
      const detail = `server could not read the file: ${outcome.error.message}`;
      log.error(
        { peer, file, bytes: outcome.bytes, err: outcome.error },
        `TFTP read aborted: ${detail} (was it replaced or truncated while being served?)`,
      );
      emit({ type: 'aborted', file, peer, bytes: outcome.bytes, detail });
      return;
    }
  }
}
