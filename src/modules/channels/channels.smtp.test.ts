import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { createSmtpPool, dataBlock } from './channels.smtp.ts';

const servers: SMTPServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(undefined))))); });

/** A loopback server that keeps each message's bytes as received (dot-stuffing undone by smtp-server). */
async function server(opts: { hidePIPELINING?: boolean; reject?: string } = {}) {
  const got: Array<{ from: string; to: string; raw: Buffer }> = [];
  const s = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, hidePIPELINING: opts.hidePIPELINING ?? false,
    onRcptTo(addr, _session, cb) { cb(addr.address === opts.reject ? Object.assign(new Error('no such user'), { responseCode: 550 }) : undefined); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { got.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo[0]!.address, raw: Buffer.concat(chunks) }); cb(); });
    },
  });
  servers.push(s);
  // Counts the client's TCP writes as the server reads them (a pipelined message takes two).
  const reads = { n: 0 };
  s.server.on('connection', (sock: import('node:net').Socket) => { sock.setNoDelay(true); sock.on('data', () => { reads.n++; }); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const pool = createSmtpPool({
    host: '127.0.0.1', port: (s.server.address() as AddressInfo).port, secure: false, ignoreTLS: true, requireTLS: false, tls: { rejectUnauthorized: false },
    maxConnections: 2, maxMessages: 100, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000,
  });
  return { got, pool, reads };
}

const raw = Buffer.from('Subject: dots\r\n\r\n.leading dot\r\nmiddle\r\n..two dots\r\n.\r\nend\r\n');

describe('SMTP pool', () => {
  it('dot-stuffs lines that start with a dot and ends the data', () => {
    expect(dataBlock(raw).toString()).toBe('Subject: dots\r\n\r\n..leading dot\r\nmiddle\r\n...two dots\r\n..\r\nend\r\n.\r\n');
    expect(dataBlock(Buffer.from('.a\r\nb')).toString()).toBe('..a\r\nb\r\n.\r\n');
  });

  for (const hidePIPELINING of [false, true]) {
    it(`delivers messages byte for byte ${hidePIPELINING ? 'one command at a time (no PIPELINING)' : 'pipelined (RFC 2920)'}`, async () => {
      const { got, pool, reads } = await server({ hidePIPELINING });
      const replies: string[] = [];
      // One at a time over one connection, so each message's writes arrive as separate reads.
      for (let i = 0; i < 20; i++) replies.push(await pool.send('shop@example.com', `b${i}@example.com`, raw));
      pool.close();
      // EHLO and the like, then 2 reads per message pipelined, 4 or more (MAIL, RCPT, DATA, body) without.
      if (hidePIPELINING) expect(reads.n).toBeGreaterThanOrEqual(80);
      else expect(reads.n).toBeLessThanOrEqual(45);
      expect(replies.every((r) => r.startsWith('250'))).toBe(true);
      expect(got.length).toBe(20);
      expect(new Set(got.map((g) => g.to)).size).toBe(20);
      for (const g of got) { expect(g.from).toBe('shop@example.com'); expect(g.raw.equals(raw)).toBe(true); }
    });
  }

  it('reports a refused recipient as nodemailer does (EENVELOPE, 550) and goes on with the next message', async () => {
    const { got, pool } = await server({ reject: 'gone@example.com' });
    const err = await pool.send('shop@example.com', 'gone@example.com', raw).catch((e: unknown) => e) as { code?: string; responseCode?: number; command?: string };
    expect(err).toMatchObject({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' });
    expect(await pool.send('shop@example.com', 'ok@example.com', raw)).toMatch(/^250/);
    pool.close();
    expect(got.map((g) => g.to)).toEqual(['ok@example.com']);
  });
});
