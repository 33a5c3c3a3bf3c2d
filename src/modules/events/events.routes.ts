import { Type } from 'typebox';
import { authorize, BraidError, principalOf, type HttpServer, type Keys } from '../../core/index.ts';
import { checkBatchBytes, type EventLog } from './events.service.ts';
import type { MessageType } from './events.types.ts';
import { MAX_MESSAGE_BYTES, parseBatchEnvelope } from './events.validate.ts';

const Message = Type.Object({
  type: Type.Optional(Type.String({ description: 'track, identify, page, screen, alias or group (batch only; implied by the single-message endpoints)' })),
  userId: Type.Optional(Type.String()),
  anonymousId: Type.Optional(Type.String()),
  messageId: Type.Optional(Type.String({ description: 'Makes delivery idempotent: a re-sent message is stored once' })),
  event: Type.Optional(Type.String({ description: 'Required for track' })),
  previousId: Type.Optional(Type.String({ description: 'Required for alias' })),
  groupId: Type.Optional(Type.String({ description: 'Required for group' })),
  name: Type.Optional(Type.String()),
  properties: Type.Optional(Type.Object({}, { additionalProperties: true })),
  traits: Type.Optional(Type.Object({}, { additionalProperties: true })),
  context: Type.Optional(Type.Object({}, { additionalProperties: true })),
  integrations: Type.Optional(Type.Object({}, { additionalProperties: true })),
  timestamp: Type.Optional(Type.String({ format: 'date-time' })),
  sentAt: Type.Optional(Type.String({ format: 'date-time' })),
}, { additionalProperties: true, description: 'A Segment Spec message (https://segment.com/docs/connections/spec/). userId or anonymousId is required.' });

const Success = Type.Object({ success: Type.Boolean() });
const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()), index: Type.Optional(Type.Integer()) }) });

/** Documented in OpenAPI, validated by hand: per-message errors must name batch[i].field. */
const noValidation = () => () => true;

export function registerEventRoutes(app: HttpServer, log: EventLog, keys: Keys): void {
  const single = (type: MessageType) => {
    app.post(`/v1/${type}`, {
      config: { scope: 'ingest' },
      validatorCompiler: noValidation,
      schema: {
        tags: ['ingest'], summary: `Segment ${type} call`, security: [{ writeKey: [] }],
        body: Message, response: { 200: Success, 400: ErrorBody, 401: ErrorBody },
      },
    }, async (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      // With role-based access the auth hooks already checked a body writeKey (principal set).
      if (principalOf(req).kind === 'anonymous') authorize(req, 'ingest', keys, typeof body?.writeKey === 'string' ? body.writeKey : undefined);
      if (req.bodyBytes > MAX_MESSAGE_BYTES) {
        throw new BraidError('event_too_large', `body: message of ${req.bodyBytes} bytes exceeds Segment's 32 KB limit`, { field: 'body' });
      }
      await log.ingest([body], { impliedType: type, path: 'body' });
      return { success: true };
    });
  };
  for (const t of ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const) single(t);

  for (const url of ['/v1/batch', '/v1/import']) {
    app.post(url, {
      config: { scope: 'ingest' },
      validatorCompiler: noValidation,
      schema: {
        tags: ['ingest'], summary: url === '/v1/batch' ? 'Segment batch: up to 500 KB of messages, all or nothing' : 'Alias of /v1/batch (Segment import)',
        security: [{ writeKey: [] }],
        body: Type.Object({ batch: Type.Array(Message), sentAt: Type.Optional(Type.String({ format: 'date-time' })), context: Type.Optional(Type.Object({}, { additionalProperties: true })) }),
        response: { 200: Success, 400: ErrorBody, 401: ErrorBody },
      },
    }, async (req) => {
      const env = parseBatchEnvelope(req.body);
      // With role-based access the auth hooks already checked a body writeKey (principal set).
      if (principalOf(req).kind === 'anonymous') authorize(req, 'ingest', keys, env.writeKey);
      checkBatchBytes(req.bodyBytes);
      const opts: Parameters<EventLog['ingest']>[1] = {};
      if (env.sentAt !== undefined) opts.sentAt = env.sentAt;
      if (env.context) opts.context = env.context;
      await log.ingest(env.batch, opts);
      return { success: true };
    });
  }

  app.get('/v1/events', {
    schema: {
      tags: ['ingest'], summary: 'Read the event log in order (admin)', security: [{ adminKey: [] }],
      querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
    },
  }, async (req) => {
    const q = req.query as { after?: number; limit?: number };
    const limit = q.limit ?? 100;
    const events = (await log.readAfter(q.after ?? 0, limit)).slice(0, limit);
    return { events, next: events.length > 0 ? events[events.length - 1]!.seq : q.after ?? 0, head: await log.headSeq() };
  });

  app.get('/v1/events/:messageId', {
    schema: { tags: ['ingest'], summary: 'One stored message by its messageId (admin)', security: [{ adminKey: [] }], params: Type.Object({ messageId: Type.String() }) },
  }, async (req) => {
    const m = await log.findByMessageId((req.params as { messageId: string }).messageId);
    if (!m) throw new BraidError('not_found', 'No message with that messageId');
    return m;
  });
}
