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

/** The parts of SMTPConnection (nodemailer 7) that a pipelined transaction uses; checked before use. */
interface SmtpInternals { _socket?: Socket; _responseActions?: Array<(str: string) => void>; _supportedExtensions?: string[]; _destroyed?: boolean }

/** An error shaped as SMTPConnection reports them (code, response, responseCode, command). */
function smtpError(message: string, code: string, response: string, command: string): Error {
  const err = new Error(`${message}: ${response.trim()}`) as Error & { code: string; response: string; responseCode?: number; command: string };
  err.code = code;
  err.response = response.trim();
  const n = Number(/^\d+/.exec(response)?.[0]);
  if (n) err.responseCode = n;
  err.command = command;
  return err;
}

const DOT = 0x2e;
const LF = 0x0a;
/** SMTP dot-stuffing (RFC 5321 4.5.2) of CRLF text, then the end-of-data line. */
export function dataBlock(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  if (raw[0] === DOT) { parts.push(Buffer.from('.')); }
  for (let i = raw.indexOf(LF); i >= 0 && i < raw.length - 1; i = raw.indexOf(LF, i + 1)) {
    if (raw[i + 1] === DOT) { parts.push(raw.subarray(from, i + 1), Buffer.from('.')); from = i + 1; }
  }
  parts.push(raw.subarray(from));
  const crlfEnd = raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === LF;
  parts.push(Buffer.from(crlfEnd ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}

const PLAIN_ADDRESS = /^[\x21-\x3b\x3d\x3f-\x7e]+$/; // printable ASCII without spaces, < or >

/**
 * One message as a pipelined transaction (RFC 2920) when the server offers PIPELINING: MAIL,
 * RCPT and DATA in one write, the dot-stuffed body in the next, instead of a write and a wait per
 * command (on loopback each write costs the sender the receiver's TCP work too). Answers false,
 * sending nothing, when it cannot (no PIPELINING, non-ASCII addresses that need SMTPUTF8, or a
 * nodemailer without these internals); the caller then uses SMTPConnection.send.
 */
function sendPipelined(smtp: SMTPConnection, from: string, to: string, raw: Buffer, done: (err: Error | null, response?: string) => void): boolean {
  const s = smtp as unknown as SmtpInternals;
  const socket = s._socket;
  const actions = s._responseActions;
  if (!socket || !Array.isArray(actions) || s._destroyed || !s._supportedExtensions?.includes('PIPELINING')) return false;
  if (!PLAIN_ADDRESS.test(from) || !PLAIN_ADDRESS.test(to)) return false;
  let failed: Error | undefined;
  actions.push(
    (str) => { if (!failed && !str.startsWith('2')) failed = smtpError('Mail command failed', 'EENVELOPE', str, 'MAIL FROM'); },
    (str) => { if (!failed && !str.startsWith('2')) failed = smtpError("Can't send mail - all recipients were rejected", 'EENVELOPE', str, 'RCPT TO'); },
    (str) => {
      if (failed || !str.startsWith('354')) { done(failed ?? smtpError('Data command failed', 'EENVELOPE', str, 'DATA')); return; }
      actions.push((end) => { if (end.startsWith('2')) done(null, end.trim()); else done(smtpError('Message failed', 'EMESSAGE', end, 'DATA')); });
      socket.write(dataBlock(raw));
    },
  );
  socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
  return true;
}
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
    const done = (err: Error | null, response?: string) => {
      conn.sent++;
      conn.job = undefined;
      if (err) { j.settle(err); drop(conn, err); return; }
      j.settle(null, response);
      if (conn.sent >= o.maxMessages || closed) drop(conn);
      else if (!conn.dead) { idle.push(conn); pump(); }
    };
    if (sendPipelined(conn.smtp, j.from, j.to, j.raw, done)) return;
    conn.smtp.send({ from: j.from, to: [j.to] }, j.raw, (err, info) => done(err, info?.response));
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
