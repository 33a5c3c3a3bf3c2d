import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../core/index.ts';
import * as harness from '../../testing/harness.ts';
import { freePort, openSpine, startApi, startSmtp, type Smtp, type Spine } from './channels.testkit.ts';
import type { ParsedMail } from 'mailparser';
import type { ChannelService } from './index.ts';

let spine: Spine;
let smtp: Smtp;
let ch: ChannelService;
let api: HttpServer;
let apiUrl: string;
let ada: string, bob: string;

/** A header's raw value, unfolded (mailparser parses List-* headers into a structure of its own). */
const header = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, ' ').replace(/^[^:]+:\s*/, '');
const unsubscribeLink = (m: ParsedMail) => /^<(.+)>$/.exec(header(m, 'list-unsubscribe') ?? '')?.[1] ?? '';

beforeAll(async () => {
  spine = await openSpine(harness);
  smtp = await startSmtp({ rejectRcpt: (a) => (a === 'gone@example.com' ? 550 : a === 'busy@example.com' ? 451 : undefined) });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  ch = spine.channels({ smtpUrl: smtp.url, smtpFrom: 'Demo Store <shop@store.example>', publicUrl: apiUrl, postalAddress: '1 Market St, San Francisco', maxAttempts: 2 });
  api = await startApi(spine, ch, port);
  await ch.start();
  ada = await spine.identify('ada', { email: 'Ada@Example.com', consent: { email_marketing: true } });
  bob = await spine.identify('bob', { email: 'gone@example.com', consent: { email_marketing: true } });
});
afterAll(async () => { await ch.stop(); await api.close(); await smtp.close(); await spine.close(); });

describe('email over SMTP', () => {
  it('delivers html and text parts with the Braid id and RFC 8058 one-click unsubscribe headers', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'mail:1', profileId: ada, channel: 'email', content: { subject: 'Your cart', html: '<h1>Still thinking?</h1><p>Your <b>mug</b> is waiting.</p>', text: 'Still thinking? Your mug is waiting.' } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'sent', address: 'ada@example.com', providerId: `<${o!.messageId}@store.example>` });
    const mail = smtp.mails.find((m) => m.headers.get('x-braid-message-id') === o!.messageId)!;
    expect(mail.subject).toBe('Your cart');
    expect(mail.messageId).toBe(`<${o!.messageId}@store.example>`);
    expect(mail.html).toContain('<b>mug</b>');
    expect(mail.html).toContain('1 Market St, San Francisco');
    expect(mail.text).toContain('Still thinking? Your mug is waiting.');
    expect(mail.text).toContain('Unsubscribe: http://127.0.0.1');
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(unsubscribeLink(mail)).toMatch(new RegExp(`^${apiUrl}/v1/unsubscribe\\?t=`));
  });

  it('follows the unsubscribe link: GET shows a confirmation page, the one-click POST revokes consent, later sends are suppressed', async () => {
    const mail = smtp.mails[0]!;
    const url = unsubscribeLink(mail);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Unsubscribe from marketing email?');
    expect((await spine.consent.check(ada, 'email_marketing')).allowed).toBe(true); // GET alone changes nothing

    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    const decision = await spine.consent.check(ada, 'email_marketing');
    expect(decision).toMatchObject({ allowed: false, status: 'revoked' });
    expect(decision.record).toMatchObject({ source: 'unsubscribe', evidence: { method: 'one_click', messageId: mail.headers.get('x-braid-message-id') } });

    const before = smtp.raw;
    const [o] = await ch.send([{ idempotencyKey: 'mail:2', profileId: ada, channel: 'email', content: { subject: 'Again', text: 'hello' } }]);
    expect((await spine.settle(ch, [o!.messageId]))[0]).toMatchObject({ status: 'suppressed', reason: 'consent:revoked' });
    expect(smtp.raw).toBe(before);
    // Transactional mail does not need marketing consent (and carries no unsubscribe header).
    const [receipt] = await ch.send([{ idempotencyKey: 'mail:3', profileId: ada, channel: 'email', transactional: true, content: { subject: 'Your order', text: 'Order 1 confirmed' } }]);
    expect((await spine.settle(ch, [receipt!.messageId]))[0]).toMatchObject({ status: 'sent', consentBasis: 'transactional', consentRecordId: null });
    const order = smtp.mails.find((m) => m.subject === 'Your order')!;
    expect(header(order, 'list-unsubscribe')).toBeUndefined();
    expect(order.html).toContain('Order 1 confirmed');
  });

  it('rejects forged or truncated unsubscribe tokens', async () => {
    const url = unsubscribeLink(smtp.mails[0]!);
    const forged = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(forged)).status).toBe(400);
    const res = await fetch(forged, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.field).toBe('t');
  });

  it('a 550 recipient is a hard bounce (suppressed from then on); a 451 is retried then dead-lettered', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'mail:bounce', profileId: bob, channel: 'email', content: { subject: 'Hi', text: 'x' } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(await ch.suppressions({ address: 'gone@example.com' })).toEqual([expect.objectContaining({ channel: 'email', reason: 'hard_bounce', messageId: o!.messageId })]);
    const [again] = await ch.send([{ idempotencyKey: 'mail:bounce:2', profileId: bob, channel: 'email', transactional: true, content: { subject: 'Hi', text: 'x' } }]);
    expect((await spine.settle(ch, [again!.messageId]))[0]).toMatchObject({ status: 'suppressed', reason: 'suppression_list' });

    const cy = await spine.identify('cy', { email: 'busy@example.com', consent: { email_marketing: true } });
    const [busy] = await ch.send([{ idempotencyKey: 'mail:busy', profileId: cy, channel: 'email', content: { subject: 'Hi', text: 'x' } }]);
    const [dead] = await spine.settle(ch, [busy!.messageId], ['dead'], 30_000);
    expect(dead).toMatchObject({ status: 'dead', attempts: 2 });
    expect(dead!.reason).toMatch(/^smtp 451/);
  });

  it('sends 300 emails through the pooled transport', async () => {
    const dan = await spine.identify('dan', { email: 'dan@example.com', consent: { email_marketing: true } });
    const before = smtp.raw;
    const t0 = performance.now();
    const out = await ch.send(Array.from({ length: 300 }, (_, i) => ({ idempotencyKey: `bulk:${i}`, profileId: dan, channel: 'email' as const, content: { subject: `Bulk ${i}`, text: 'hello' } })));
    await spine.settle(ch, out.map((o) => o.messageId), undefined, 60_000);
    const ms = performance.now() - t0;
    expect(smtp.raw - before).toBe(300);
    console.log(`channels: 300 emails sent to loopback SMTP in ${ms.toFixed(0)} ms (${(300_000 / ms).toFixed(0)}/s)`);
  });
});

describe('email without SMTP (demo outbox)', () => {
  it('writes each message as an .eml file under <dataDir>/outbox', async () => {
    const local = spine.channels({ smtpUrl: undefined, publicUrl: apiUrl });
    const eve = await spine.identify('eve', { email: 'eve@example.com', consent: { email_marketing: true } });
    const [o] = await local.send([{ idempotencyKey: 'outbox:1', profileId: eve, channel: 'email', content: { subject: 'Demo', html: '<p>Hello</p>' } }]);
    await ch.stop(); // only `local` may take the job
    await local.start();
    expect((await spine.settle(local, [o!.messageId]))[0]).toMatchObject({ status: 'sent' });
    const dir = join(spine.dataDir, 'outbox');
    expect(readdirSync(dir)).toEqual([`${o!.messageId}.eml`]);
    const eml = readFileSync(join(dir, `${o!.messageId}.eml`), 'utf8');
    expect(eml).toContain('Subject: Demo');
    expect(eml).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(eml.toLowerCase()).toContain(`x-braid-message-id: ${o!.messageId}`);
  });
});
