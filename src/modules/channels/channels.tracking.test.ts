import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, createMetrics, type HttpServer } from '../../core/index.ts';
import * as harness from '../../testing/harness.ts';
import { freePort, KEYS, openSpine, SECRET, startSmtp, type Smtp, type Spine } from './channels.testkit.ts';
import { addTracking, signTracking, trackingLinks, verifyTracking } from './channels.tracking.ts';
import { engagementRecorder, registerChannelRoutes, registerTrackingRoutes, type ChannelService } from './index.ts';

let spine: Spine;
let smtp: Smtp;
const servers: Array<{ ch: ChannelService; api: HttpServer }> = [];
let ada: string;

/** A channels service with its routes and the tracking routes (recording through the real event log), on its own port. */
async function start(emailTracking: 'on' | 'consent' | 'off'): Promise<{ ch: ChannelService; url: string }> {
  // Every service's delivery workers take jobs from the same queue, and the mode applies where a
  // mail is rendered: an earlier test's service must not deliver this one's mail. (Its routes stay
  // up: a test may still follow an earlier mail's links.)
  for (const s of servers) await s.ch.stop();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ch = spine.channels({ smtpUrl: smtp.url, publicUrl: url, emailTracking });
  const http = await createHttpServer({ logger: pino({ level: 'silent' }) as FastifyBaseLogger, keys: KEYS, metrics: createMetrics(), version: 'test' });
  registerChannelRoutes(http, ch, { identity: spine.identity, profiles: spine.profiles });
  registerTrackingRoutes(http, ch, {
    record: engagementRecorder({ ingest: (m) => spine.events.ingest(m), canonical: (id) => spine.identity.canonical(id), identities: (id) => spine.identity.identities(id), nowMs: () => Date.now() }),
  });
  await http.listen({ port, host: '127.0.0.1' });
  await ch.start();
  servers.push({ ch, api: http });
  return { ch, url };
}

let n = 0;
async function sendMail(ch: ChannelService, opts: { transactional?: boolean } = {}) {
  const html = '<p>Your <a href="https://shop.example.com/p/sp_1?utm=a&amp;b=2">mug</a> is waiting.</p>'
    + '<p><a href="mailto:help@shop.example.com">Help</a> <a href="https://shop.example.com/cart">Back to cart</a></p>';
  const [o] = await ch.send([{ idempotencyKey: `trk:${++n}`, profileId: ada, channel: 'email', content: { subject: 'Your cart', html, text: 'Your mug: https://shop.example.com/p/sp_1' }, ...opts }]);
  await spine.settle(ch, [o!.messageId]);
  const mail = smtp.mails.find((m) => m.headers.get('x-braid-message-id') === o!.messageId)!;
  return { id: o!.messageId, html: String(mail.html), text: mail.text ?? '' };
}
const pixelOf = (html: string) => /<img src="([^"]+\/v1\/t\/o\/[^"]+)"/.exec(html)?.[1];
const linksOf = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
async function engagementEvents(messageId: string): Promise<string[]> {
  await spine.profiles.projector.drain();
  return (await spine.events.readAfter(0, 10_000)).filter((e) => (e.properties as { message_id?: string } | undefined)?.message_id === messageId).map((e) => `${e.event}:${e.userId}`);
}

beforeAll(async () => {
  spine = await openSpine(harness);
  smtp = await startSmtp();
  ada = await spine.identify('ada', { email: 'ada@example.com', consent: { email_marketing: true } });
});
afterAll(async () => { for (const s of servers) { await s.ch.stop(); await s.api.close(); } await smtp.close(); await spine.close(); });

describe('tracking tokens and the HTML rewrite (pure)', () => {
  it('signs and verifies; a forged, altered or unsubscribe-secret token is refused; a click needs an http(s) URL', () => {
    const t = signTracking(SECRET, { messageId: 'msg_1', kind: 'click', url: 'https://shop.example.com/a' });
    expect(verifyTracking(SECRET, t)).toEqual({ messageId: 'msg_1', kind: 'click', url: 'https://shop.example.com/a' });
    expect(verifyTracking('other', t)).toBeUndefined();
    const [payload, sig] = t.split('.');
    const evil = Buffer.from(JSON.stringify({ m: 'msg_1', k: 'c', u: 'https://evil.example.com' })).toString('base64url');
    expect(verifyTracking(SECRET, `${evil}.${sig}`)).toBeUndefined();
    expect(verifyTracking(SECRET, `${payload}.${sig!.slice(1)}`)).toBeUndefined();
    expect(verifyTracking(SECRET, signTracking(SECRET, { messageId: 'm', kind: 'click', url: 'javascript:alert(1)' }))).toBeUndefined();
  });

  it('tracks web links (escaped & kept), leaves mailto and unsubscribe links, adds the pixel before </body>', () => {
    const links = trackingLinks('https://braid.example', SECRET, 'msg_1');
    const out = addTracking('<html><body><a href="https://s.example/p?a=1&amp;b=2">x</a><a href="mailto:a@b.c">m</a>'
      + '<a href="https://braid.example/v1/unsubscribe?t=abc">u</a></body></html>', links);
    const hrefs = [...out.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs[0]).toMatch(/^https:\/\/braid\.example\/v1\/t\/c\//);
    expect(verifyTracking(SECRET, hrefs[0]!.split('/v1/t/c/')[1]!)?.url).toBe('https://s.example/p?a=1&b=2');
    expect(hrefs.slice(1)).toEqual(['mailto:a@b.c', 'https://braid.example/v1/unsubscribe?t=abc']);
    expect(out).toMatch(/<img src="https:\/\/braid\.example\/v1\/t\/o\/[^"]+"[^>]*><\/body><\/html>$/);
  });
});

describe('open pixel and tracked links (routes, embedded and Postgres)', () => {
  it('records the open once (status and one Email Opened event), then the click once, and redirects only to the signed URL', async () => {
    const { ch, url } = await start('on');
    const mail = await sendMail(ch);
    const pixel = pixelOf(mail.html)!;
    expect(pixel.startsWith(`${url}/v1/t/o/`)).toBe(true);
    expect(mail.text).toContain('https://shop.example.com/p/sp_1'); // the text part keeps its real links
    const tracked = linksOf(mail.html).filter((l) => l.includes('/v1/t/c/'));
    expect(tracked).toHaveLength(2);
    expect(linksOf(mail.html)).toContain('mailto:help@shop.example.com');

    for (let k = 0; k < 3; k++) {
      const res = await fetch(pixel);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toContain('no-store');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(30);
    }
    expect((await ch.get(mail.id))?.status).toBe('opened');
    expect(await engagementEvents(mail.id)).toEqual(['Email Opened:ada']);

    for (let k = 0; k < 2; k++) {
      const res = await fetch(tracked[0]!, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://shop.example.com/p/sp_1?utm=a&b=2');
    }
    expect((await ch.get(mail.id))?.status).toBe('clicked');
    expect((await engagementEvents(mail.id)).sort()).toEqual(['Email Link Clicked:ada', 'Email Opened:ada']);
    // A later open after the click changes nothing (clicked already implies opened).
    await fetch(pixel);
    expect((await ch.get(mail.id))?.status).toBe('clicked');
  });

  it('answers a forged or altered token, or a token on the wrong route, with 400 and never redirects', async () => {
    const { ch, url } = await start('on');
    const mail = await sendMail(ch);
    const click = linksOf(mail.html).find((l) => l.includes('/v1/t/c/'))!;
    const token = click.split('/v1/t/c/')[1]!;
    const evil = Buffer.from(JSON.stringify({ m: mail.id, k: 'c', u: 'https://evil.example.com/' })).toString('base64url');
    for (const path of [`/v1/t/c/${evil}.${token.split('.')[1]}`, `/v1/t/c/${token.slice(0, -2)}`, `/v1/t/c/nonsense`, `/v1/t/o/${token}`, `/v1/t/c/${pixelOf(mail.html)!.split('/v1/t/o/')[1]}`]) {
      const res = await fetch(url + path, { redirect: 'manual' });
      expect(res.status, path).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect((await res.json() as { error: { field?: string } }).error.field).toBe('token');
    }
    expect((await ch.get(mail.id))?.status).toBe('sent');
  });

  it('tracks no transactional email', async () => {
    const { ch } = await start('on');
    const mail = await sendMail(ch, { transactional: true });
    expect(pixelOf(mail.html)).toBeUndefined();
    expect(linksOf(mail.html).some((l) => l.includes('/v1/t/'))).toBe(false);
  });

  it('off: no pixel and untouched links; a tracking link of earlier mail still redirects but records nothing', async () => {
    const on = await start('on');
    const earlier = await sendMail(on.ch);
    const off = await start('off');
    const mail = await sendMail(off.ch);
    expect(pixelOf(mail.html)).toBeUndefined();
    expect(linksOf(mail.html)).toContain('https://shop.example.com/p/sp_1?utm=a&b=2');
    const path = (u: string) => u.replace(/^https?:\/\/[^/]+/, '');
    expect((await fetch(off.url + path(pixelOf(earlier.html)!))).status).toBe(200);
    const res = await fetch(off.url + path(linksOf(earlier.html).find((l) => l.includes('/v1/t/c/'))!), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect((await on.ch.get(earlier.id))?.status).toBe('sent');
    expect(await engagementEvents(earlier.id)).toEqual([]);
  });

  it('consent: tracks only shoppers who granted email_tracking', async () => {
    const { ch } = await start('consent');
    expect(pixelOf((await sendMail(ch)).html)).toBeUndefined();
    await spine.consent.update(ada, { email_tracking: true }, { source: 'test' });
    expect(pixelOf((await sendMail(ch)).html)).toBeDefined();
  });
});
