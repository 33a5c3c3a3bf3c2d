/**
 * What a shopper takes from an email that reached the simulator's SMTP server: the offer depth,
 * whether it reassures, and which products it shows. Pure: raw RFC 5322 text in, SimMessage out.
 * Enough MIME for what nodemailer sends (quoted-printable or base64 parts); a real inbox would
 * show the same words.
 */
import type { SimMessage } from './simulator.types.ts';

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    const m = t[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(t.slice(i + 1, i + 3)) : null;
    if (m) { bytes.push(parseInt(m[0], 16)); i += 2; } else bytes.push(t.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The message's text: every part decoded (quoted-printable, base64), concatenated. */
export function decodeMailText(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const out: string[] = [];
  for (const part of parts) {
    const sep = part.search(/\r?\n\r?\n/);
    const head = sep >= 0 ? part.slice(0, sep) : '';
    const body = sep >= 0 ? part.slice(sep) : part;
    const cte = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
    if (cte === 'base64') out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (cte === 'quoted-printable') out.push(decodeQp(body));
    else out.push(body);
  }
  return out.join('\n');
}

export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}:\\s*(.*)$`, 'im');
  return re.exec(unfolded)?.[1]?.trim();
}

const REASSURANCE = /free (30-day )?returns|delivery date|warranty|guarantee|size advice|satisfaction/i;

/** Reads a rendered message's text (any channel) as a shopper would. Product ids come from product links (`/p/<id>`). */
export function readMessageText(text: string, channel: SimMessage['channel'], source: string): SimMessage {
  let offerPct = 0;
  for (const m of text.matchAll(/(\d{1,2}(?:\.\d+)?)\s*%\s*off/gi)) offerPct = Math.max(offerPct, Number(m[1]));
  const productIds = [...new Set([...text.matchAll(/\/p\/(sp_\d+)/g)].map((m) => m[1]!))];
  return { channel, offerPct, reassurance: REASSURANCE.test(text), productIds, source };
}

/** A raw email as the shopper reads it; `to` is the recipient address. */
export function readMail(raw: string): SimMessage & { to: string } {
  const text = decodeMailText(raw);
  const to = (headerOf(raw, 'to') ?? '').replace(/^.*</, '').replace(/>.*$/, '').trim().toLowerCase();
  const unsub = headerOf(raw, 'list-unsubscribe')?.match(/<(https?:[^>]+)>/)?.[1];
  // What an email client would fetch: the open pixel (an <img>) and the links (tracked ones go through Braid).
  const pixel = /<img\b[^>]*\bsrc="(https?:\/\/[^"]*\/v1\/t\/o\/[^"]+)"/i.exec(text)?.[1];
  const links = [...new Set([...text.matchAll(/<a\b[^>]*\bhref="(https?:\/\/[^"]*\/v1\/t\/c\/[^"]+)"/gi)].map((m) => m[1]!))];
  return {
    ...readMessageText(text, 'email', headerOf(raw, 'x-braid-worker') ?? 'braid'), to, unsubscribeUrl: unsub,
    ...(pixel ? { pixelUrl: pixel } : {}), ...(links.length ? { trackedLinks: links } : {}),
  };
}
