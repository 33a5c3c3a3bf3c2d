/**
 * The I/O side of the simulator: runs the world under Braid's policy against a running Braid,
 * through Braid's public interfaces only. Events go to /v1/batch; the clock moves with
 * POST /v1/clock/advance (simulation mode), which answers once Braid has settled; email arrives
 * at the simulator's own SMTP server (Braid's SMTP provider, set with PUT /v1/channels/providers);
 * shoppers who unsubscribe use the message's one-click link. Braid's lift estimate is read from its
 * worker reports. Nothing here hands Braid a hidden trait.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { reveal } from './simulator.engagement.ts';
import { readMail } from './simulator.mail.ts';
import { buildWorld, WorldRun, type Checkout, type SiteContent } from './simulator.world.ts';
import type { Receiver } from './simulator.receiver.ts';
import type { SimConfig, SimEvent, SimMessage } from './simulator.types.ts';

/** Hours in one clock step starting at an hour of day: one by day, the whole night (21:00-08:00) at once. */
export const stepHours = (hourOfDay: number): number => (hourOfDay >= 21 ? 24 - hourOfDay + 8 : hourOfDay < 8 ? 8 - hourOfDay : 1);

export interface BraidTarget { url: string; adminKey: string; writeKey: string; decideKey?: string | undefined }

/** The simulator's SMTP server: every accepted email is handed to `onMail` (raw text). */
export interface Mailbox { url: string; take(): Array<SimMessage & { to: string }>; received(): number; close(): Promise<void> }

export async function startMailbox(): Promise<Mailbox> {
  let inbox: Array<SimMessage & { to: string }> = [];
  let n = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, maxClients: 200,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { n++; try { inbox.push(readMail(Buffer.concat(chunks).toString('utf8'))); callback(); } catch (e) { callback(e as Error); } });
    },
  });
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    take: () => { const out = inbox; inbox = []; return out; },
    received: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function call(t: BraidTarget, method: string, path: string, body?: unknown, auth: 'admin' | 'write' | 'decide' = 'admin'): Promise<any> {
  const authorization = auth === 'admin' ? `Bearer ${t.adminKey}` : auth === 'decide' ? `Bearer ${t.decideKey}` : 'Basic ' + Buffer.from(t.writeKey + ':').toString('base64');
  const res = await fetch(t.url + path, { method, headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Posts events in batches under Braid's 500 KB limit. */
async function postEvents(t: BraidTarget, events: readonly SimEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 400) {
    const batch = events.slice(i, i + 400).map(({ shopper: _s, hour: _h, ...e }) => e);
    await call(t, 'POST', '/v1/batch', { batch }, 'write');
  }
}

/** The operator's setup for the Braid policy: catalog, an offer menu the brain may choose from, playbooks. */
export async function setupBraidStore(t: BraidTarget, run: WorldRun, smtpUrl: string, receiverUrl?: string): Promise<void> {
  await call(t, 'PUT', '/v1/channels/providers', {
    smtpUrl,
    ...(receiverUrl ? {
      pushUrl: `${receiverUrl}/push`, pushKey: 'sim', smsUrl: receiverUrl, smsAccountSid: 'sim', smsAuthToken: 'sim', smsFrom: '+15550000000',
      webhookUrl: `${receiverUrl}/webhook`, webhookSecret: 'sim',
    } : {}),
  });
  const rules = await call(t, 'GET', '/v1/content/rules');
  await call(t, 'PUT', '/v1/content/rules', { ...rules, store: { name: 'Sim Store', url: 'https://shop.sim.example' } });
  await call(t, 'PUT', '/v1/catalog/locations', { locations: [{ id: 'online', name: 'Online', type: 'online' }] });
  const products = run.world.products.map((p) => ({
    id: p.id, title: p.title, category: p.category, productType: p.category, price: p.price, cost: p.cost, currency: 'USD',
    link: `https://shop.sim.example/p/${p.id}`, availability: 'in_stock',
  }));
  await call(t, 'POST', '/v1/catalog/products', { products });
  await call(t, 'PUT', '/v1/catalog/inventory', { updates: run.world.products.map((p) => ({ variantId: p.id, locationId: 'online', quantity: 100_000 })) });
}

export async function installBraidPolicy(t: BraidTarget): Promise<void> {
  const emailPlacements = ['email_cart_recovery', 'email_win_back', 'email_replenishment'];
  for (const { id, pct } of OFFER_MENU) {
    await call(t, 'PUT', `/v1/offers/${id}`, { id, name: `${pct}% off`, kind: 'percent_off', value: pct, placements: emailPlacements, cooldownDays: 7 });
  }
  // The shipped cart recovery as it is: its last call goes only to the top 40% of carts by value,
  // which keeps the contact budget within the rules policy's (no more messages per shopper than rules).
  await call(t, 'POST', '/v1/playbooks/cart_recovery/install', { status: 'on' });
  // The same two flows as the rules policy (no win-back: rules has none, and it would spend the
  // message budget); Braid's brain picks their content, and the checkout page asks Braid too.
  await call(t, 'POST', '/v1/playbooks/replenishment/install', { status: 'on' });
  // A version held for approval starts no journey: a run without live workers would measure nothing.
  const held = (await call(t, 'GET', '/v1/workers')).items.filter((w: { status: string; liveVersion: number | null }) => w.status === 'on' && w.liveVersion === null);
  if (held.length > 0) throw new Error(`workers not live (held for approval?): ${held.map((w: { id: string }) => w.id).join(', ')}; run Braid with BRAID_APPROVALS=off or approve them`);
}

/** The offer menu the operator gives the brain: id → percent off (the shopper reads the depth). */
export const OFFER_MENU: ReadonlyArray<{ id: string; pct: number }> = [5, 10, 15, 20].map((pct) => ({ id: `off${pct}`, pct }));

/** What the checkout page shows, from Braid's decision: reassurance and/or an offer. */
export function siteContentOf(decision: { actions?: Array<{ type: string; offerId?: string | undefined }> } | undefined): SiteContent | undefined {
  if (!decision?.actions) return undefined;
  let offerPct = 0, reassurance = false;
  for (const a of decision.actions) {
    if (a.type === 'reassure') reassurance = true;
    const o = a.offerId ? OFFER_MENU.find((m) => m.id === a.offerId) : undefined;
    if (o) offerPct = Math.max(offerPct, o.pct);
  }
  return offerPct > 0 || reassurance ? { offerPct, reassurance } : undefined;
}

/**
 * The checkout page of each waiting checkout asks Braid (`POST /v1/decide`, placement
 * checkout_assist) once Braid has seen the session's events: a profile read waits for the
 * projection (read-your-writes), so the decision knows the cart.
 */
async function checkoutDecisions(t: BraidTarget, checkouts: readonly Checkout[], time: (hour: number) => string): Promise<Array<SiteContent | undefined>> {
  if (checkouts.length === 0 || !t.decideKey) return [];
  // Any profile read waits for the projection; the merges view is the lightest one (two small queries).
  await call(t, 'GET', `/v1/profiles/${encodeURIComponent(`userId:${checkouts[0]!.userId}`)}/merges`);
  const out: Array<SiteContent | undefined> = new Array(checkouts.length);
  for (let i = 0; i < checkouts.length; i += 32) {
    await Promise.all(checkouts.slice(i, i + 32).map(async (c, k) => {
      const d = await call(t, 'POST', '/v1/decide', { ref: `userId:${c.userId}`, placement: 'checkout_assist', context: { time: time(c.hour), page: { productIds: c.productIds } } }, 'decide');
      out[i + k] = siteContentOf(d);
    }));
  }
  return out;
}

export interface BraidEstimate { source: string; estimate: number | null; ciLow: number | null; ciHigh: number | null; treated: number | null; holdout: number | null }

/** Braid's own holdout-based lift (all workers against the global control group), from its reports. */
export async function readBraidEstimate(t: BraidTarget, sinceIso: string, untilIso: string): Promise<BraidEstimate> {
  // The outcome window spans the whole period: every order after a shopper's first entry counts, as in the truth.
  const windowHours = Math.ceil((Date.parse(untilIso) - Date.parse(sinceIso)) / 3_600_000);
  const q = `since=${encodeURIComponent(sinceIso)}&until=${encodeURIComponent(untilIso)}&windowHours=${windowHours}`;
  try {
    const r = await call(t, 'GET', `/v1/reports/workers/_all?${q}`);
    const tot = r?.incremental?.contributionTotal;
    return { source: '/v1/reports/workers/_all', estimate: tot?.estimate ?? null, ciLow: tot?.ciLow ?? null, ciHigh: tot?.ciHigh ?? null, treated: r?.incremental?.treatedShoppers ?? null, holdout: r?.incremental?.holdoutShoppers ?? null };
  } catch (e) {
    return { source: `unavailable (${(e as Error).message.slice(0, 120)})`, estimate: null, ciLow: null, ciHigh: null, treated: null, holdout: null };
  }
}

export interface BraidRunResult { run: WorldRun; estimate: BraidEstimate; mails: number; pushes: number; checkoutDecisions: number; unsubscribeClicks: number; /** Open pixels loaded and tracked links followed (the reveal, simulator.engagement.ts). */ pixelLoads: number; linkClicks: number; seconds: { warmup: number; policy: number } }

/**
 * Runs seed `seed` of the world with Braid as the policy. Warm-up days are ingested a day at a time
 * (no policy contacts anyone then); the policy period advances Braid's clock an hour at a time.
 */
export async function runBraidPolicy(cfg: SimConfig, seed: number, t: BraidTarget, mailbox: Mailbox, opts: { log?: (s: string) => void; onEvents?: (events: readonly SimEvent[]) => void; receiver?: Receiver } = {}): Promise<BraidRunResult> {
  const log = opts.log ?? (() => undefined);
  const run = new WorldRun(buildWorld(cfg, seed));
  const byEmail = new Map(run.world.shoppers.map((s) => [s.email, s.idx]));
  const byToken = new Map(run.world.shoppers.filter((s) => s.app).map((s) => [s.pushToken, s.idx]));
  const t0 = performance.now();
  await setupBraidStore(t, run, mailbox.url, opts.receiver?.url);
  await postEvents(t, run.identities());
  const H = run.hours, start = run.policyStartHour;
  let pending: SimEvent[] = [];
  for (let h = 0; h < start; h++) {
    pending.push(...run.step(h));
    if ((h + 1) % 24 === 0) {
      await postEvents(t, pending); pending = [];
      await call(t, 'POST', '/v1/clock/advance', { ms: 24 * 3_600_000, settleTimeoutMs: 300_000 });
      if (((h + 1) / 24) % 10 === 0) log(`  seed ${seed}: warm-up day ${(h + 1) / 24}/${cfg.warmupDays}`);
    }
  }
  mailbox.take(); opts.receiver?.take();
  const t1 = performance.now();
  await installBraidPolicy(t);
  // Engagement requests go to Braid's public tracking routes as a mail client sends them (no key).
  const get = async (url: string) => { const res = await fetch(url.replace(/^https?:\/\/[^/]+/, t.url), { redirect: 'manual' }); await res.arrayBuffer(); };
  const engagement: Array<Promise<void>> = [];
  let pixels = 0, linkClicks = 0;
  let mails = 0, clicks = 0, steps = 0, advanceMs = 0, decisions = 0, reassured = 0, offered = 0, mailsReassuring = 0, mailsOffering = 0, decideMs = 0, postMs = 0, pushes = 0;
  for (let h = start; h < H;) {
    // Messages that arrived while Braid settled the previous step reach the shoppers now.
    for (const m of mailbox.take()) {
      const i = byEmail.get(m.to);
      if (i === undefined) continue;
      mails++;
      if (m.reassurance) mailsReassuring++;
      if (m.offerPct > 0) mailsOffering++;
      const r = run.deliver(i, m, h);
      if (r.unsubscribed && m.unsubscribeUrl) {
        clicks++;
        await fetch(m.unsubscribeUrl.replace(/^https?:\/\/[^/]+/, t.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      }
      // The mail client: images on load the open pixel; a shopper who acts on the email follows its
      // first tracked link (Braid answers with a redirect to the store, which the world plays itself).
      const seen = reveal(i, r);
      if (seen.pixel && m.pixelUrl) { pixels++; engagement.push(get(m.pixelUrl)); }
      if (seen.click && m.trackedLinks?.[0]) { linkClicks++; engagement.push(get(m.trackedLinks[0])); }
    }
    await Promise.all(engagement.splice(0));
    // Push notifications (the receiver): a shopper who turns them off tells the store's app, which tells Braid.
    const optOuts: SimEvent[] = [];
    for (const p of opts.receiver?.take() ?? []) {
      const i = byToken.get(p.address);
      if (i === undefined) continue;
      pushes++;
      if (run.deliver(i, p.message, h).unsubscribed) {
        const s = run.world.shoppers[i]!;
        optOuts.push({ type: 'identify', userId: s.userId, shopper: i, hour: h, timestamp: new Date(run.world.startMs + h * 3_600_000).toISOString(), traits: { consent: { push_marketing: false } } });
      }
    }
    if (optOuts.length > 0) await postEvents(t, optOuts);
    // An hour at a time by day; the night (21:00-08:00, Braid's default quiet hours, when no
    // message may go out) in one step. The world itself still moves hour by hour.
    const end = Math.min(H, h + stepHours(h % 24));
    let events: SimEvent[] = [];
    for (let k = h; k < end; k++) {
      const b = run.begin(k);
      events.push(...b.events);
      let site: Array<SiteContent | undefined> = [];
      if (b.checkouts.length > 0 && t.decideKey) {
        // Braid sees the session before its checkout page asks for a decision.
        const td = performance.now();
        opts.onEvents?.(events); await postEvents(t, events); events = [];
        site = await checkoutDecisions(t, b.checkouts, (hour) => new Date(run.world.startMs + hour * 3_600_000 + 30 * 60_000).toISOString());
        decisions += b.checkouts.length; decideMs += performance.now() - td;
        for (const c of site) { if (c?.reassurance) reassured++; if (c?.offerPct) offered++; }
      }
      events.push(...run.finish(site));
    }
    opts.onEvents?.(events);
    const tp = performance.now();
    await postEvents(t, events);
    postMs += performance.now() - tp;
    const ta = performance.now();
    const adv = await call(t, 'POST', '/v1/clock/advance', { ms: (end - h) * 3_600_000, settleTimeoutMs: 120_000 });
    advanceMs += performance.now() - ta; steps++;
    if (!adv.settled) log(`  seed ${seed}: hour ${h} did not settle (${adv.pendingDeliveries} deliveries pending)`);
    if (Math.floor((end - start) / 240) > Math.floor((h - start) / 240) || end === H) log(`  seed ${seed}: day ${Math.floor((end - start) / 24)}/${cfg.days}, ${mails} emails (${mailsReassuring} reassuring, ${mailsOffering} with an offer), ${pushes} pushes and ${decisions} checkout decisions (${reassured} reassured, ${offered} offers) so far, ${steps} steps, ${(advanceMs / steps).toFixed(0)} ms per clock step (seconds: advancing ${(advanceMs / 1000).toFixed(0)}, checkout pages ${(decideMs / 1000).toFixed(0)}, posting ${(postMs / 1000).toFixed(0)})`);
    h = end;
  }
  const models = await call(t, 'GET', '/v1/models').catch(() => undefined);
  if (models?.arms) log(`  seed ${seed}: brain arms ${JSON.stringify(Object.fromEntries(Object.entries(models.arms as Record<string, { n: number; weights: Record<string, number> }>).map(([k, a]) => [k, { n: a.n, ...a.weights }])))}`);
  const workers = await call(t, 'GET', '/v1/workers');
  log(`  seed ${seed}: journeys ${JSON.stringify(workers.items.map((w: { id: string; counts: unknown }) => [w.id, w.counts]))}`);
  const estimate = await readBraidEstimate(t, new Date(run.world.startMs + start * 3_600_000).toISOString(), new Date(run.world.startMs + H * 3_600_000).toISOString());
  return { run, estimate, mails, pushes, checkoutDecisions: decisions, unsubscribeClicks: clicks, pixelLoads: pixels, linkClicks, seconds: { warmup: (t1 - t0) / 1000, policy: (performance.now() - t1) / 1000 } };
}
