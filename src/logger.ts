import pino from 'pino';
import type { Logger } from 'pino';

/** JSON lines on stdout, as operators' log shippers expect. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'openucm' } }, destination ?? pino.destination({ sync: false }));
}
