/**
 * Channels HTTP routes. Admin: the delivery log and the suppression list. Public: provider
 * receipts (each verified by its signature) and unsubscribe (verified by its signed token).
 * Decide scope (a storefront key): the in-app inbox. Receipt and unsubscribe routes take the raw
 * body (`config.rawBody`): signatures are computed over the exact bytes, and Twilio and RFC 8058
 * post forms, not JSON.
 */
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, invalid, notFound, routeValidator, type HttpServer } from '../../core/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import {
  DeliverySchema, ErrorSchema, IdParams, InboxItemSchema, InboxQuery, MessagesQuery, ReceiptResult, SuppressionBody, SuppressionSchema, SuppressionsQuery,
} from './channels.schemas.ts';
import type { ChannelName, ChannelService, DeliveryRecord, DeliveryStatus } from './channels.types.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PURPOSE_LABEL: Record<string, string> = {
  email_marketing: 'marketing email', sms_marketing: 'marketing text messages', push_marketing: 'marketing push notifications',
};
const labelOf = (purpose: string) => PURPOSE_LABEL[purpose] ?? purpose.replace(/_/g, ' ');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}`
    + `button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const receipt = (rec: DeliveryRecord | undefined) => (rec ? { changed: true, message: rec } : { changed: false });

export function registerChannelRoutes(http: HttpServer, channels: ChannelService, c: { identity: IdentityService; profiles: ProfileService }): void {
  const profileOf = async (ref: string): Promise<string> => {
    const id = await c.identity.resolveRef(ref);
    if (!id) throw notFound(`Profile ${ref}`);
    return id;
  };

  const Providers = Type.Record(Type.String(), Type.Object({ value: Type.Union([Type.String(), Type.Null()]), source: Type.String() }));
  http.get('/v1/channels/providers', {
    schema: { tags: ['channels'], summary: 'Provider settings in effect (SMTP, SMS, push, webhook), from the environment or the API; secrets shown as set', response: { 200: Providers } },
  }, async () => channels.providers());
  http.put('/v1/channels/providers', {
    schema: { tags: ['channels'], summary: 'Override provider settings (smtpUrl, smsUrl, pushUrl, webhookUrl, their keys...); null restores the environment value', body: Type.Unknown(), response: { 200: Providers, ...errors } },
  }, async (req) => channels.setProviders(req.body));

  http.get('/v1/messages', {
    schema: {
      tags: ['channels'], summary: 'The delivery log, newest first (filter by profile ref, worker, instance, channel, status), keyset paged by `cursor` (or `before` a message id)',
      querystring: MessagesQuery, response: { 200: Type.Object({ items: Type.Array(DeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
    },
  }, async (req) => {
    const q = req.query as { ref?: string; worker?: string; instance?: string; channel?: ChannelName; status?: DeliveryStatus; limit?: number; before?: string; cursor?: string };
    if (q.cursor !== undefined && q.before !== undefined) throw invalid('cursor', 'give cursor or before, not both');
    const profileId = q.ref !== undefined ? await profileOf(q.ref) : undefined;
    const before = q.cursor !== undefined ? decodeCursor(q.cursor, ['s'])[0] as string : q.before;
    const limit = q.limit ?? 50;
    // Message ids are time-ordered and the log lists by id: the last id is the key. One extra row tells whether an older page exists.
    const rows = await channels.list({ profileId, workerId: q.worker, instanceId: q.instance, channel: q.channel, status: q.status, limit: limit + 1, before });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
  });

  http.get('/v1/messages/:id', {
    schema: { tags: ['channels'], summary: 'One message: status, attempts, provider id, the consent it relied on', params: IdParams, response: { 200: DeliverySchema, ...errors } },
  }, async (req) => {
    const rec = await channels.get((req.params as { id: string }).id);
    if (!rec) throw notFound(`Message ${(req.params as { id: string }).id}`);
    return rec;
  });

  http.get('/v1/suppressions', {
    schema: { tags: ['channels'], summary: 'Addresses nothing is sent to (bounces, complaints, operator entries)', querystring: SuppressionsQuery, response: { 200: Type.Object({ items: Type.Array(SuppressionSchema) }), ...errors } },
  }, async (req) => ({ items: await channels.suppressions(req.query as { channel?: string; address?: string; limit?: number; before?: string }) }));

  http.post('/v1/suppressions', {
    schema: { tags: ['channels'], summary: 'Suppress an address on a channel (or all); idempotent', body: SuppressionBody, response: { 201: SuppressionSchema, ...errors } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => {
    const b = req.body as { channel: string; address: string; reason?: string };
    return reply.code(201).send(await channels.suppress({ channel: b.channel, address: b.address, reason: b.reason ?? 'operator', source: 'api' }));
  });

  http.delete('/v1/suppressions/:id', {
    schema: { tags: ['channels'], summary: 'Remove a suppression', params: IdParams, response: { 204: Type.Null(), ...errors } },
  }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!await channels.unsuppress(id)) throw notFound(`Suppression ${id}`);
    return reply.code(204).send(null);
  });

  http.post('/v1/channels/receipts/sms', {
    config: { scope: 'public', rawBody: true },
    schema: { tags: ['channels'], summary: 'Twilio StatusCallback (form: MessageSid, MessageStatus, ErrorCode), verified by X-Twilio-Signature', response: { 200: ReceiptResult, ...errors } },
  }, async (req) => {
    const form = Object.fromEntries(new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
    const sig = req.headers['x-twilio-signature'];
    return receipt(await channels.smsCallback(req.url, form, typeof sig === 'string' ? sig : undefined));
  });

  http.post('/v1/channels/receipts/:channel', {
    config: { scope: 'public', rawBody: true },
    schema: {
      tags: ['channels'], params: Type.Object({ channel: Type.String({ maxLength: 20 }) }), response: { 200: ReceiptResult, ...errors },
      summary: 'Generic receipt {messageId | providerId, status, reason?}, signed: X-Braid-Timestamp and X-Braid-Signature sha256=HMAC(webhook secret, timestamp.body)',
    },
  }, async (req) => {
    const h = (k: string) => { const v = req.headers[k]; return typeof v === 'string' ? v : undefined; };
    return receipt(await channels.signedReceipt((req.params as { channel: string }).channel, typeof req.body === 'string' ? req.body : '', h('x-braid-timestamp'), h('x-braid-signature')));
  });

  const Unsub = { querystring: Type.Object({ t: Type.String({ minLength: 1, maxLength: 2000 }) }) };
  http.get('/v1/unsubscribe', {
    config: { scope: 'public' },
    schema: { tags: ['channels'], summary: 'Unsubscribe confirmation page (GET never unsubscribes: link scanners fetch it)', ...Unsub },
  }, async (req, reply) => {
    const t = (req.query as { t: string }).t;
    const claims = channels.readUnsubscribeToken(t);
    reply.type('text/html; charset=utf-8');
    if (!claims) return reply.code(400).send(page('This link is not valid', '<p>The unsubscribe link is incomplete or was altered. Copy the whole link from the email.</p>'));
    return page(`Unsubscribe from ${labelOf(claims.purpose)}?`,
      `<form method="post" action="/v1/unsubscribe?t=${encodeURIComponent(t)}"><input type="hidden" name="confirm" value="yes">`
      + `<button type="submit">Unsubscribe</button></form>`);
  });

  http.post('/v1/unsubscribe', {
    config: { scope: 'public', rawBody: true },
    schema: { tags: ['channels'], summary: 'Unsubscribe: RFC 8058 one-click (body List-Unsubscribe=One-Click) or the confirmation form', ...Unsub },
  }, async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const oneClick = new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click';
    const out = await channels.unsubscribe((req.query as { t: string }).t, oneClick ? 'one_click' : 'page');
    reply.type('text/html; charset=utf-8');
    return page('You are unsubscribed', `<p>You will no longer receive ${escapeHtml(labelOf(out.purpose))}.</p>`);
  });

  http.get('/v1/inbox', {
    config: { scope: 'decide' },
    schema: { tags: ['channels'], summary: 'A shopper\'s in-app messages, newest first', querystring: InboxQuery, response: { 200: Type.Object({ items: Type.Array(InboxItemSchema) }), ...errors } },
  }, async (req) => {
    const q = req.query as { ref: string; unread?: boolean; limit?: number };
    return { items: await channels.inbox(await profileOf(q.ref), { unreadOnly: q.unread === true, limit: q.limit }) };
  });

  http.post('/v1/inbox/:id/read', {
    config: { scope: 'decide' },
    schema: {
      tags: ['channels'], summary: 'Mark an in-app message read (ref, when given, must own it)', params: IdParams,
      querystring: Type.Object({ ref: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }), response: { 204: Type.Null(), ...errors },
    },
  }, async (req, reply) => {
    const ref = (req.query as { ref?: string }).ref;
    const profileId = ref !== undefined ? await profileOf(ref) : undefined;
    const id = (req.params as { id: string }).id;
    if (!id.startsWith('msg_')) throw invalid('id', 'must be a message id (msg_…)');
    if (!await channels.markRead(id, profileId)) throw notFound(`Inbox message ${id}`);
    return reply.code(204).send(null);
  });
}
