import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface LogCapture {
  /** A pino logger at `level` writing into `lines` synchronously (a stream, not a file). */
  log: Logger;
  /** Every raw line written so far. */
  lines: string[];
  /** The lines parsed as JSON objects. */
  records(): Array<Record<string, any>>;
}

export function captureLogs(level = 'info'): LogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level }, sink), lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}
