import pino, { Logger } from 'pino';

/** Structured logs on stderr (stdout stays free for the CLI's one line of JSON). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'wholesale-provisioning' } }, pino.destination(2));
}
