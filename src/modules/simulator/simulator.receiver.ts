/**
 * The simulator's HTTP receiver: Braid's push, SMS and webhook provider in a run (set with
 * PUT /v1/channels/providers), so messages on those channels reach the shoppers the way email
 * reaches the SMTP server. It answers like the providers Braid speaks to:
 * - push, FCM HTTP v1 shape: `POST /push` `{message: {token, notification: {title, body}, data}}` → `{name}`;
 * - SMS, Twilio's Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json` (form: To, Body) → `{sid}`;
 * - webhook: `POST /webhook` (Braid's signed JSON: messageId, profileId, content) → `{id}`.
 * A push is read as the shopper reads the notification (title, body, link). Shoppers have no
 * phone numbers and no webhook endpoint in the world, so SMS and webhook messages are only counted.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readMessageText } from './simulator.mail.ts';
import type { SimMessage } from './simulator.types.ts';

export interface Received { kind: 'push' | 'sms' | 'webhook'; address: string; message: SimMessage }

export interface Receiver { url: string; take(): Received[]; counts(): Record<Received['kind'], number>; close(): Promise<void> }

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What a provider request carries, as the shopper reads it; undefined for an unknown path. */
export function readProviderRequest(path: string, body: string): Received | undefined {
  if (path === '/push') {
    const m = (JSON.parse(body) as { message?: { token?: string; notification?: { title?: string; body?: string }; data?: Record<string, string> } }).message ?? {};
    const text = [m.notification?.title, m.notification?.body, m.data?.url].filter(Boolean).join('\n');
    return { kind: 'push', address: m.token ?? '', message: readMessageText(text, 'push', m.data?.workerId ?? 'braid') };
  }
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) {
    const f = new URLSearchParams(body);
    return { kind: 'sms', address: f.get('To') ?? '', message: readMessageText(f.get('Body') ?? '', 'push', 'braid') };
  }
  if (path === '/webhook') {
    const w = JSON.parse(body) as { profileId?: string; workerId?: string | null; content?: Record<string, unknown> };
    return { kind: 'webhook', address: w.profileId ?? '', message: readMessageText(JSON.stringify(w.content ?? {}), 'push', w.workerId ?? 'braid') };
  }
  return undefined;
}

export async function startReceiver(): Promise<Receiver> {
  let inbox: Received[] = [];
  const counts = { push: 0, sms: 0, webhook: 0 };
  let n = 0;
  const server = createServer((req, res) => {
    bodyOf(req).then((body) => {
      const path = (req.url ?? '').split('?')[0]!;
      const r = req.method === 'POST' ? readProviderRequest(path, body) : undefined;
      if (!r) { res.writeHead(404).end(); return; }
      counts[r.kind]++; n++;
      if (r.kind === 'push') inbox.push(r);
      const id = `sim_${r.kind}_${n}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r.kind === 'push' ? { name: id } : r.kind === 'sms' ? { sid: id } : { id }));
    }).catch(() => { res.writeHead(400).end(); });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    take: () => { const out = inbox; inbox = []; return out; },
    counts: () => ({ ...counts }),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
