import pino, { Logger } from 'pino';

/**
 * Structured logs on stderr (stdout stays free for the CLI's one line of JSON). With the process id,
 * as pino's default base has it: an operator can tell which process of several wrote a line.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'wholesale-provisioning', pid: process.pid } }, pino.destination(2));
}
