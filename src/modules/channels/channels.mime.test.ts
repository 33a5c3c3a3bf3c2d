import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime, encodeBody, formatMailbox, headerValue, mailboxAddress, mimeDate } from './channels.mime.ts';

const base = {
  from: 'Demo Store <shop@store.example>', to: 'ada@example.com', subject: 'Your cart', text: 'Hello\nthere', html: '<p>Hello</p>',
  messageId: '<msg_01abc@store.example>', dateMs: Date.parse('2026-06-10T15:00:00Z'), headers: [['X-Braid-Message-Id', 'msg_01abc'], ['List-Unsubscribe', '<https://x.example/v1/unsubscribe?t=abc>']] as Array<[string, string]>,
};

describe('MIME', () => {
  it('parses back to the same parts and headers (ASCII goes 7bit)', async () => {
    const raw = buildMime(base);
    expect(raw.toString()).toContain('Content-Transfer-Encoding: 7bit');
    const m = await simpleParser(raw);
    expect(m.subject).toBe('Your cart');
    expect(m.messageId).toBe('<msg_01abc@store.example>');
    expect(m.text?.trim()).toBe('Hello\nthere');
    expect(m.html).toBe('<p>Hello</p>');
    expect(m.date?.toISOString()).toBe('2026-06-10T15:00:00.000Z');
    expect(m.headers.get('x-braid-message-id')).toBe('msg_01abc');
    expect(m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <https://x.example/v1/unsubscribe?t=abc>');
    expect((m.from?.value ?? [])[0]).toEqual({ name: 'Demo Store', address: 'shop@store.example' });
  });

  it('encodes non-ASCII subjects, names and bodies, and long lines, losslessly', async () => {
    const subject = 'Zoë, tes articles t’attendent 🛒 — ' + 'très '.repeat(40);
    const html = `<p>${'Ünïcode '.repeat(300)}</p>`;
    const text = 'x'.repeat(1200);
    const raw = buildMime({ ...base, from: 'Bäckerei Müller <shop@store.example>', subject, html, text });
    for (const line of raw.toString().split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    const m = await simpleParser(raw);
    expect(m.subject).toBe(subject.trim());
    expect(m.html).toBe(html);
    expect(m.text).toBe(text);
    expect((m.from?.value ?? [])[0]).toEqual({ name: 'Bäckerei Müller', address: 'shop@store.example' });
    expect(encodeBody('é').encoding).toBe('base64');
    expect(encodeBody('a\nb').body).toBe('a\r\nb');
  });

  it('never lets a header value break a line (no header injection)', async () => {
    const raw = buildMime({ ...base, subject: 'Hi\r\nBcc: victim@example.com' }).toString();
    expect(raw).not.toMatch(/^Bcc:/m);
    expect(headerValue('a\nb')).toBe('a b');
  });

  it('keeps the boundary out of 7bit bodies', async () => {
    const text = '--=_braid_msg_01abcstore.example\nboom';
    const m = await simpleParser(buildMime({ ...base, text }));
    expect(m.text?.trim()).toBe(text);
    expect(m.html).toBe('<p>Hello</p>');
  });

  it('mailboxes and dates', () => {
    expect(mailboxAddress('Demo Store <shop@store.example>')).toBe('shop@store.example');
    expect(mailboxAddress('shop@store.example')).toBe('shop@store.example');
    expect(formatMailbox('"Store, Inc." <a@b.example>')).toBe('"Store, Inc." <a@b.example>');
    expect(formatMailbox('a@b.example')).toBe('a@b.example');
    expect(mimeDate(Date.parse('2026-06-10T15:00:00Z'))).toBe('Wed, 10 Jun 2026 15:00:00 +0000');
  });
});
