/**
 * A real SMTP server on loopback (the `smtp-server` package) that parses what it receives with
 * `mailparser`: what tests and benchmarks point BRAID_SMTP_URL at. Not a module: tests and
 * benches only.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail { to: string; subject: string; text: string; html: string; headers: Map<string, unknown>; raw: ParsedMail }

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Count only (no parsing): for benchmarks. */
  count(): number;
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(opts: { parse?: boolean } = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let n = 0;
  const parse = opts.parse ?? true;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, maxClients: 100,
    onData(stream, session, callback) {
      if (!parse) { stream.on('data', () => undefined); stream.on('end', () => { n++; callback(); }); return; }
      simpleParser(stream).then((mail) => {
        n++;
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: mail.subject ?? '', text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '', headers: mail.headers, raw: mail,
        });
        callback();
      }, (err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    count: () => n,
    async waitFor(k, timeoutMs = 15_000) {
      const until = performance.now() + timeoutMs;
      while (n < k && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
