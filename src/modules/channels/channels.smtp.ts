/**
 * A pool of kept-alive SMTP connections sending prebuilt MIME messages (channels.mime.ts), over
 * nodemailer's SMTPConnection (its documented low-level client: TLS, STARTTLS, AUTH, dot-stuffing,
 * reply codes). It replaces nodemailer's Mailer + SMTPPool, which rebuild every message as a tree
 * of streams: measured on bench:workers, about half of the main thread's time per send.
 *
 * Contract: `send` resolves with the server's reply to the message, or rejects with the error
 * SMTPConnection reports (`responseCode`, `code`: EENVELOPE for a refused recipient, EAUTH, ...).
 * A connection that failed a message is closed (a fresh one takes the next message), as nodemailer
 * does; at most `maxConnections` are open, each sends at most `maxMessages` before it is renewed.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export interface SmtpPoolOptions {
  host: string;
  port: number;
  /** Implicit TLS (smtps:, port 465); otherwise STARTTLS when offered (unless ignoreTLS). */
  secure: boolean;
  ignoreTLS: boolean;
  requireTLS: boolean;
  tls: { rejectUnauthorized: boolean };
  auth?: { user: string; pass: string } | undefined;
  maxConnections: number;
  maxMessages: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export interface SmtpPool {
  send(from: string, to: string, raw: Buffer): Promise<string>;
  close(): void;
}

interface Job { from: string; to: string; raw: Buffer; settle(err: unknown, response?: string): void }
interface Conn { smtp: SMTPConnection; sent: number; dead: boolean; job?: Job | undefined }

/** The TCP socket, opened by us with TCP_NODELAY: the final "." of a message must not wait for a delayed ACK (~40 ms). */
function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host, port, noDelay: true, keepAlive: true });
    sock.once('error', reject);
    sock.once('connect', () => { sock.off('error', reject); resolve(sock); });
  });
}

function job(from: string, to: string, raw: Buffer, resolve: (r: string) => void, reject: (e: unknown) => void): Job {
  let done = false;
  return { from, to, raw, settle(err, response) { if (done) return; done = true; if (err) reject(err); else resolve(response ?? ''); } };
}

export function createSmtpPool(o: SmtpPoolOptions): SmtpPool {
  const idle: Conn[] = [];
  const queue: Job[] = [];
  let open = 0;
  let closed = false;

  function drop(conn: Conn, err?: unknown): void {
    if (conn.dead) return;
    conn.dead = true;
    open--;
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    conn.job?.settle(err ?? new Error('smtp connection closed'));
    conn.job = undefined;
    conn.smtp.close();
    setImmediate(pump);
  }

  async function connect(): Promise<Conn> {
    const socket = await openSocket(o.host, o.port);
    const smtp = new SMTPConnection({
      host: o.host, port: o.port, secure: o.secure, ignoreTLS: o.ignoreTLS, requireTLS: o.requireTLS, tls: o.tls,
      connectionTimeout: o.connectionTimeout, greetingTimeout: o.greetingTimeout, socketTimeout: o.socketTimeout,
      connection: socket,
    } as SMTPConnection.Options);
    const conn: Conn = { smtp, sent: 0, dead: false };
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      // Until ready, a failure rejects the connect; after it, it fails the message in flight.
      smtp.on('error', (e) => { if (!ready) { ready = true; smtp.close(); reject(e); } else drop(conn, e); });
      smtp.once('end', () => { if (!ready) { ready = true; reject(new Error('smtp connection closed during greeting')); } else drop(conn); });
      smtp.connect(() => {
        if (!o.auth) { ready = true; return resolve(); }
        smtp.login({ credentials: { user: o.auth.user, pass: o.auth.pass } }, (err) => {
          ready = true;
          if (err) { smtp.close(); reject(err); } else resolve();
        });
      });
    });
    return conn;
  }

  function run(conn: Conn, j: Job): void {
    conn.job = j;
    conn.smtp.send({ from: j.from, to: [j.to] }, j.raw, (err, info) => {
      conn.sent++;
      conn.job = undefined;
      if (err) { j.settle(err); drop(conn, err); return; }
      j.settle(null, info.response);
      if (conn.sent >= o.maxMessages || closed) drop(conn);
      else if (!conn.dead) { idle.push(conn); pump(); }
    });
  }

  function pump(): void {
    while (queue.length > 0) {
      const conn = idle.pop();
      if (conn) { run(conn, queue.shift()!); continue; }
      if (open >= o.maxConnections || closed) return;
      const j = queue.shift()!;
      open++;
      connect().then((c) => run(c, j), (e: unknown) => { open--; j.settle(e); pump(); });
    }
  }

  return {
    send(from, to, raw) {
      if (closed) return Promise.reject(new Error('smtp pool is closed'));
      return new Promise<string>((resolve, reject) => { queue.push(job(from, to, raw, resolve, reject)); pump(); });
    },
    close() {
      closed = true;
      for (const j of queue.splice(0)) j.settle(new Error('smtp pool is closed'));
      for (const c of [...idle]) drop(c);
    },
  };
}
