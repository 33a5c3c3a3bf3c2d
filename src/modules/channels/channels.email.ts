/**
 * Email through nodemailer: a pooled SMTP transport (several kept-alive connections) when
 * BRAID_SMTP_URL is set, else .eml files in `<dataDir>/outbox/` so the demo works without a mail
 * server. Marketing email carries RFC 8058 one-click unsubscribe headers and a footer with the
 * unsubscribe link and the postal address (CAN-SPAM); every message carries its Braid id in
 * Message-ID and X-Braid-Message-Id.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { ChannelsConfig } from '../../core/index.ts';
import { permanent, transient, type ChannelAdapter, type OutboundMessage } from './channels.adapters.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const htmlToText = (h: string) => h.replace(/<(br|\/p|\/div|\/h\d|\/li)\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\n{3,}/g, '\n\n').trim();

/** The sender's domain, for Message-ID. */
function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)/.exec(from);
  return m ? m[1]! : 'braid.local';
}

/** The MIME message nodemailer builds, with both parts and the headers described above. */
export function composeEmail(msg: OutboundMessage, cfg: ChannelsConfig): nodemailer.SendMailOptions {
  const c = msg.content;
  if (!c.subject) throw permanent('email needs content.subject');
  if (!c.html && !c.text) throw permanent('email needs content.html or content.text');
  let html = c.html ?? `<p>${escapeHtml(c.text!).replace(/\n/g, '<br>')}</p>`;
  let text = c.text ?? htmlToText(c.html!);
  const headers: Record<string, { prepared: true; value: string } | string> = { 'X-Braid-Message-Id': msg.id };
  if (msg.unsubscribeUrl) {
    headers['List-Unsubscribe'] = { prepared: true, value: `<${msg.unsubscribeUrl}>` };
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    // Templates normally carry the footer themselves (content QA requires it); add it only when missing.
    if (!html.includes('/v1/unsubscribe?t=')) {
      html += `<hr><p style="font-size:12px;color:#666">${escapeHtml(cfg.postalAddress)}<br>`
        + `<a href="${escapeHtml(msg.unsubscribeUrl)}">Unsubscribe</a></p>`;
    }
    if (!text.includes('/v1/unsubscribe?t=')) text += `\n\n--\n${cfg.postalAddress}\nUnsubscribe: ${msg.unsubscribeUrl}\n`;
  }
  return {
    from: cfg.smtpFrom, to: msg.address, subject: c.subject, html, text, headers,
    messageId: `<${msg.id}@${domainOf(cfg.smtpFrom)}>`,
  };
}

/** SMTP reply codes: 5xx permanent (a 5xx on the recipient is a hard bounce), 4xx and no reply transient. */
function classifySmtp(e: unknown): Error {
  const err = e as { responseCode?: number; code?: string; message?: string };
  const msg = `smtp ${err.responseCode ?? err.code ?? ''}: ${(err.message ?? String(e)).slice(0, 200)}`;
  // A rejected login is an operator's mistake: retrying lets a fixed configuration still deliver.
  if (err.code === 'EAUTH') return transient(msg);
  if (err.responseCode !== undefined && err.responseCode >= 500) return permanent(msg, err.code === 'EENVELOPE');
  return transient(msg);
}

/** smtp(s)://user:pass@host:port/?maxConnections=8&ignoreTLS=true&rejectUnauthorized=false */
function smtpOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  const q = u.searchParams;
  return {
    pool: true,
    host: u.hostname,
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    secure: u.protocol === 'smtps:',
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    maxConnections: Number(q.get('maxConnections') ?? 8),
    maxMessages: Number(q.get('maxMessages') ?? 10_000),
    ignoreTLS: q.get('ignoreTLS') === 'true',
    requireTLS: q.get('requireTLS') === 'true',
    tls: { rejectUnauthorized: q.get('rejectUnauthorized') !== 'false' },
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
    // nodemailer leaves Nagle's algorithm on: the final "." of each message then waits for the
    // server's delayed ACK, ~40 ms a message per connection. We open the TCP socket ourselves with
    // TCP_NODELAY; nodemailer still does TLS on it (smtps: at once; smtp: STARTTLS when offered).
    getSocket(opts: { host: string; port: number }, cb: (err: Error | null, socket?: { connection: import('node:net').Socket }) => void) {
      const sock = connect({ host: opts.host, port: opts.port, noDelay: true, keepAlive: true });
      const onError = (e: Error) => cb(e);
      sock.once('error', onError);
      sock.once('connect', () => { sock.off('error', onError); cb(null, { connection: sock }); });
    },
  };
}

export function createEmailAdapter(cfg: ChannelsConfig, dataDir: string): ChannelAdapter {
  if (cfg.smtpUrl) {
    const transport = nodemailer.createTransport(smtpOptions(cfg.smtpUrl) as nodemailer.TransportOptions);
    transport.on('error', () => undefined); // pool errors surface on the sends that hit them
    return {
      async deliver(msg) {
        const mail = composeEmail(msg, cfg);
        try {
          const info = await transport.sendMail(mail) as { messageId?: string };
          return { providerId: info.messageId ?? String(mail.messageId) };
        } catch (e) { throw classifySmtp(e); }
      },
      async close() { transport.close(); },
    };
  }
  // No SMTP server: keep each message as an .eml file (the demo, local development).
  const dir = resolve(dataDir, 'outbox');
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let made = false;
  return {
    async deliver(msg) {
      const mail = composeEmail(msg, cfg);
      const info = await stream.sendMail(mail) as { message: Buffer };
      try {
        if (!made) { await mkdir(dir, { recursive: true }); made = true; }
        await writeFile(join(dir, `${msg.id}.eml`), info.message);
      } catch (e) { throw transient(`outbox: ${(e as Error).message}`); }
      return { providerId: String(mail.messageId) };
    },
  };
}
