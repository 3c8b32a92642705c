import type { Logger } from 'pino';
import type { RegistrationRequest } from '../../../core/registration.js';
import { rejectedEvent } from '../../../core/registration-event.js';
import type { Rejection } from '../../../core/rejection.js';
import type { Clock } from '../../../services/clock.js';
import type { LiveEvents } from '../../../services/live-events.js';
import type { StatusWriter } from '../../../services/status-writer.js';
import type { RejectionRecorder } from './registrar.js';

/**
 * Records the refusals the SIP registrar decides itself (unknown SIP user, failed digest
 * authentication) exactly as the registration service records its own: an event with reason and
 * remedy, pushed live, and a warning in the log.
 */
export class SipRejectionRecorder implements RejectionRecorder {
  constructor(
    private readonly deps: {
      statusWriter: StatusWriter;
      live: LiveEvents;
      logger: Logger;
      nodeName: string;
      clock: Clock;
    },
  ) {}

  rejected(request: RegistrationRequest, r: Rejection): void {
    const { statusWriter, live, logger, nodeName, clock } = this.deps;
    const event = rejectedEvent(
      {
        at: clock(),
        deviceName: request.deviceName,
        protocol: 'SIP',
        address: request.address,
        node: nodeName,
      },
      r,
    );
    statusWriter.event(event);
    live.emit('registration-event', event);
    logger.warn(
      { device: request.deviceName, address: request.address, reason: r.reason },
      `registration rejected: ${r.message}. Remedy: ${r.remedy}`,
    );
  }
}
