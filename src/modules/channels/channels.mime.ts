/**
 * The MIME form of one email, built in one pass into one Buffer. Pure, no I/O.
 *
 * Why not nodemailer's composer: it builds each message as a tree of streams (random boundaries
 * and ids, quoted-printable in JavaScript, a socket write per chunk), which cost about as much CPU
 * as rendering the message itself at a thousand sends a second. This covers exactly what Braid
 * sends: multipart/alternative with a text and an HTML part, UTF-8 throughout.
 *
 * - a part that is ASCII with no line over 998 octets goes as 7bit, anything else as base64
 *   (76-column lines);
 * - header values lose CR/LF (no header injection) and use RFC 2047 encoded words when they are
 *   not printable ASCII or too long for one line;
 * - the boundary derives from the message id and is checked against the 7bit parts.
 */

export interface MimeInput {
  /** `Name <address>` or a bare address. */
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** With angle brackets: `<msg_…@domain>`. */
  messageId: string;
  dateMs: number;
  /** Extra headers, in order (values are single-line; prepared URLs in angle brackets). */
  headers: ReadonlyArray<readonly [string, string]>;
}

const PRINTABLE = /^[\x20-\x7e]*$/;
/** 7bit: ASCII without NUL (CR and LF are checked per line below). */
const SEVEN_BIT = /^[\x01-\x7f]*$/; // eslint-disable-line no-control-regex
const SPECIALS = /[()<>[\]:;@\\,."]/;
const MAX_LINE = 998;

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** RFC 2047 "B" encoded words of at most 45 UTF-8 bytes each (75 characters), folded onto lines. */
export function encodeWords(s: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > 45) { words.push(chunk); chunk = ''; bytes = 0; }
    chunk += ch; bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** A header value as it goes on the wire: as is when short printable ASCII, else encoded words. */
export function headerValue(s: string): string {
  const v = oneLine(s).trim();
  return PRINTABLE.test(v) && v.length <= 900 ? v : encodeWords(v);
}

/** The address of a `Name <address>` mailbox (the envelope sender). */
export function mailboxAddress(mailbox: string): string {
  const m = /<([^<>]+)>\s*$/.exec(mailbox);
  return (m ? m[1]! : mailbox).trim();
}

/** `Name <address>` with the name quoted or encoded as it needs. */
export function formatMailbox(mailbox: string): string {
  const v = oneLine(mailbox).trim();
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(v);
  if (!m) return v;
  let name = m[1]!.trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  if (!name) return `<${m[2]}>`;
  if (!PRINTABLE.test(name)) return `${encodeWords(name)} <${m[2]}>`;
  return `${SPECIALS.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name} <${m[2]}>`;
}

/** RFC 5322 date in UTC: `Wed, 10 Jun 2026 15:00:00 +0000`. */
export function mimeDate(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

function base64Lines(s: string): string {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

/** 7bit when it can go as is (ASCII, short lines), else base64; newlines become CRLF either way. */
export function encodeBody(s: string): { encoding: '7bit' | 'base64'; body: string } {
  const crlf = s.replace(/\r?\n|\r/g, '\r\n');
  if (SEVEN_BIT.test(crlf) && crlf.split('\r\n').every((l) => l.length <= MAX_LINE)) return { encoding: '7bit', body: crlf };
  return { encoding: 'base64', body: base64Lines(s) };
}

export function buildMime(m: MimeInput): Buffer {
  const text = encodeBody(m.text);
  const html = encodeBody(m.html);
  let boundary = `=_braid_${m.messageId.replace(/[^A-Za-z0-9_.-]/g, '')}`;
  for (let i = 1; [text, html].some((p) => p.encoding === '7bit' && p.body.includes(boundary)); i++) boundary = `=_braid_${i}_${boundary.slice(8)}`;
  const head = [
    `From: ${formatMailbox(m.from)}`,
    `To: ${oneLine(m.to).trim()}`,
    `Subject: ${headerValue(m.subject)}`,
    `Message-ID: ${oneLine(m.messageId).trim()}`,
    `Date: ${mimeDate(m.dateMs)}`,
    'MIME-Version: 1.0',
    ...m.headers.map(([k, v]) => `${k}: ${v.startsWith('<') ? oneLine(v).trim() : headerValue(v)}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, p: { encoding: string; body: string }) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n${p.body}\r\n`;
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${part('text/plain', text)}${part('text/html', html)}--${boundary}--\r\n`, 'utf8');
}
