import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  outboxId: string;
  to: string[];
  subject: string;
  body: string;
  /** When the server accepted it (epoch ms). */
  at: number;
}

export interface RefusedMail {
  outboxId: string;
  to: string[];
  /** When the server refused it (epoch ms), before the client could see the refusal. */
  at: number;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** How many DATA commands were refused so far (the server's simulated failures). */
  rejected: number;
  /** The refused messages, in order. */
  refused: RefusedMail[];
  /** Outbox ids of the messages whose DATA the server has read, answered or not yet (a slow server's in-flight ones). */
  arrived: string[];
  stop(): Promise<void>;
}

/**
 * A real SMTP server on an ephemeral port that keeps what it accepts. `rejectFirst` refuses the
 * first N messages with `rejectCode` (451: try again later; 550: permanent). `delayMs` makes it a
 * slow server: it answers each message's DATA that much later (accepting or refusing it then).
 */
export async function startSmtpSink(options: { rejectFirst?: number; rejectCode?: number; rejectTo?: RegExp; delayMs?: number } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sink: SmtpSink = { url: '', received, rejected: 0, refused: [], arrived: [], stop: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const answer = () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1] ?? '';
        const refuse = (sink.rejected < (options.rejectFirst ?? 0)) || (options.rejectTo?.test(to.join(',')) ?? false);
        if (refuse) {
          sink.rejected += 1;
          sink.refused.push({ outboxId: header('X-Outbox-Id'), to, at: Date.now() });
          const error = Object.assign(new Error('Simulated failure, try again later'), { responseCode: options.rejectCode ?? 451 });
          callback(error);
          return;
        }
        received.push({ outboxId: header('X-Outbox-Id'), to, subject: header('Subject'), body: raw.slice(split + 4), at: Date.now() });
        callback();
      };
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        sink.arrived.push(/^X-Outbox-Id: (.*)$/mi.exec(raw.slice(0, raw.indexOf('\r\n\r\n')))?.[1] ?? '');
        if (options.delayMs) setTimeout(answer, options.delayMs);
        else answer();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | false | null | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
