/**
 * Email: a pool of kept-alive SMTP connections (channels.smtp.ts) sending MIME built in one pass
 * (channels.mime.ts) when BRAID_SMTP_URL is set, else .eml files in `<dataDir>/outbox/` so the demo works without a mail
 * server. Marketing email carries RFC 8058 one-click unsubscribe headers and a footer with the
 * unsubscribe link and the postal address (CAN-SPAM); every message carries its Braid id in
 * Message-ID and X-Braid-Message-Id.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChannelsConfig, Clock } from '../../core/index.ts';
import { permanent, transient, type ChannelAdapter, type OutboundMessage } from './channels.adapters.ts';
import { buildMime, mailboxAddress, type MimeInput } from './channels.mime.ts';
import { createSmtpPool, type SmtpPoolOptions } from './channels.smtp.ts';
import { addTracking } from './channels.tracking.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const htmlToText = (h: string) => h.replace(/<(br|\/p|\/div|\/h\d|\/li)\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\n{3,}/g, '\n\n').trim();

/** The sender's domain, for Message-ID. */
function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)/.exec(from);
  return m ? m[1]! : 'braid.local';
}

/** The message's parts and headers, as described above (MIME-encoded by channels.mime.ts). */
export function composeEmail(msg: OutboundMessage, cfg: ChannelsConfig, nowMs: number): MimeInput {
  const c = msg.content;
  if (!c.subject) throw permanent('email needs content.subject');
  if (!c.html && !c.text) throw permanent('email needs content.html or content.text');
  let html = c.html ?? `<p>${escapeHtml(c.text!).replace(/\n/g, '<br>')}</p>`;
  let text = c.text ?? htmlToText(c.html!);
  const headers: Array<[string, string]> = [['X-Braid-Message-Id', msg.id]];
  if (msg.unsubscribeUrl) {
    headers.push(['List-Unsubscribe', `<${msg.unsubscribeUrl}>`], ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']);
    // Templates normally carry the footer themselves (content QA requires it); add it only when missing.
    if (!html.includes('/v1/unsubscribe?t=')) {
      html += `<hr><p style="font-size:12px;color:#666">${escapeHtml(cfg.postalAddress)}<br>`
        + `<a href="${escapeHtml(msg.unsubscribeUrl)}">Unsubscribe</a></p>`;
    }
    if (!text.includes('/v1/unsubscribe?t=')) text += `\n\n--\n${cfg.postalAddress}\nUnsubscribe: ${msg.unsubscribeUrl}\n`;
  }
  // Tracking touches the HTML part only: the text part keeps its real links (channels.tracking.ts).
  if (msg.tracking) html = addTracking(html, msg.tracking);
  return { from: cfg.smtpFrom, to: msg.address, subject: c.subject, html, text, headers, messageId: `<${msg.id}@${domainOf(cfg.smtpFrom)}>`, dateMs: nowMs };
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

/** smtp(s)://user:pass@host:port/?maxConnections=8&maxMessages=10000&ignoreTLS=true&requireTLS=true&rejectUnauthorized=false */
export function smtpOptions(url: string): SmtpPoolOptions {
  const u = new URL(url);
  const q = u.searchParams;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    secure: u.protocol === 'smtps:',
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    maxConnections: Math.max(1, Number(q.get('maxConnections') ?? 8) || 8),
    maxMessages: Math.max(1, Number(q.get('maxMessages') ?? 10_000) || 10_000),
    ignoreTLS: q.get('ignoreTLS') === 'true',
    requireTLS: q.get('requireTLS') === 'true',
    tls: { rejectUnauthorized: q.get('rejectUnauthorized') !== 'false' },
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
  };
}

export function createEmailAdapter(cfg: ChannelsConfig, dataDir: string, clock: Clock): ChannelAdapter {
  const envelopeFrom = mailboxAddress(cfg.smtpFrom);
  if (cfg.smtpUrl) {
    const pool = createSmtpPool(smtpOptions(cfg.smtpUrl));
    return {
      async deliver(msg) {
        const mail = composeEmail(msg, cfg, clock.now());
        const raw = buildMime(mail);
        try { await pool.send(envelopeFrom, msg.address, raw); } catch (e) { throw classifySmtp(e); }
        return { providerId: mail.messageId };
      },
      async close() { pool.close(); },
    };
  }
  // No SMTP server: keep each message as an .eml file (the demo, local development).
  const dir = resolve(dataDir, 'outbox');
  let made = false;
  return {
    async deliver(msg) {
      const mail = composeEmail(msg, cfg, clock.now());
      try {
        if (!made) { await mkdir(dir, { recursive: true }); made = true; }
        await writeFile(join(dir, `${msg.id}.eml`), buildMime(mail));
      } catch (e) { throw transient(`outbox: ${(e as Error).message}`); }
      return { providerId: mail.messageId };
    },
  };
}
