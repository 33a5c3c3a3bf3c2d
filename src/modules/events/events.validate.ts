import { BraidError, isoOf, isPlainObject, parseTimestamp } from '../../core/index.ts';
import { MESSAGE_TYPES, type MessageType, type StoredMessage } from './events.types.ts';

/** Segment's documented limits. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
const MAX_ID_LENGTH = 256;

function fail(field: string, message: string, index: number | undefined): never {
  throw new BraidError('invalid_request', `${field}: ${message}`, index === undefined ? { field } : { field, index });
}

function idField(raw: Record<string, unknown>, key: string, path: string, index: number | undefined): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a string', index);
  if (v.length > MAX_ID_LENGTH) fail(`${path}.${key}`, `must be at most ${MAX_ID_LENGTH} characters`, index);
  return v;
}

function objField(raw: Record<string, unknown>, key: string, path: string, index: number | undefined): Record<string, unknown> | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) fail(`${path}.${key}`, 'must be an object', index);
  return v;
}

function timeField(raw: Record<string, unknown>, key: string, path: string, index: number | undefined): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  const ms = parseTimestamp(v);
  if (ms === undefined) fail(`${path}.${key}`, 'must be an ISO-8601 date-time string', index);
  return ms;
}

export interface NormalizeContext {
  /** Server receive time (epoch ms), and as an ISO string (computed once per request). */
  receivedAt: number;
  receivedAtIso: string;
  /** Batch-level sentAt, used when a message has none. */
  batchSentAt?: number;
  batchSentAtIso?: string;
  /** Batch-level context/integrations, merged under each message's own (Segment batch semantics). */
  batchContext?: Record<string, unknown>;
  /** Type implied by the endpoint (/v1/track ...); undefined for /v1/batch. */
  impliedType?: MessageType;
  /** Generates a messageId for messages that have none (they then cannot be deduplicated). */
  newMessageId: () => string;
}

/**
 * Validates one Segment message and returns what Braid stores, or throws a 400 naming the field.
 * `path` is how the caller names the message (`body`, or `batch[3]` with `index` 3).
 */
export function normalizeMessage(raw: unknown, path: string, index: number | undefined, ctx: NormalizeContext): StoredMessage {
  if (!isPlainObject(raw)) fail(path, 'must be a JSON object', index);
  let type: MessageType;
  if (ctx.impliedType) type = ctx.impliedType;
  else {
    const t = raw.type;
    if (t === undefined) fail(`${path}.type`, `is required (one of ${MESSAGE_TYPES.join(', ')})`, index);
    if (typeof t !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(t)) fail(`${path}.type`, `must be one of ${MESSAGE_TYPES.join(', ')}`, index);
    type = t as MessageType;
  }
  const userId = idField(raw, 'userId', path, index);
  const anonymousId = idField(raw, 'anonymousId', path, index);
  if (userId === undefined && anonymousId === undefined) fail(`${path}.userId`, 'userId or anonymousId is required', index);

  const out: StoredMessage = { messageId: '', type, timestamp: '', receivedAt: '' };
  const messageId = idField(raw, 'messageId', path, index);
  out.messageId = messageId ?? ctx.newMessageId();
  if (userId !== undefined) out.userId = userId;
  if (anonymousId !== undefined) out.anonymousId = anonymousId;

  if (type === 'track') {
    const ev = raw.event;
    if (typeof ev !== 'string' || ev.trim() === '') fail(`${path}.event`, 'is required for track and must be a non-empty string', index);
    if (ev.length > 200) fail(`${path}.event`, 'must be at most 200 characters', index);
    out.event = ev;
  }
  if (type === 'alias') {
    const prev = idField(raw, 'previousId', path, index);
    if (prev === undefined) fail(`${path}.previousId`, 'is required for alias', index);
    if (userId === undefined) fail(`${path}.userId`, 'is required for alias', index);
    out.previousId = prev;
  }
  if (type === 'group') {
    const g = idField(raw, 'groupId', path, index);
    if (g === undefined) fail(`${path}.groupId`, 'is required for group', index);
    out.groupId = g;
  }
  if (type === 'page' || type === 'screen') {
    for (const k of ['name', 'category'] as const) {
      const v = raw[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') fail(`${path}.${k}`, 'must be a string', index);
      out[k] = v;
    }
  }
  const traits = objField(raw, 'traits', path, index);
  const properties = objField(raw, 'properties', path, index);
  const context = objField(raw, 'context', path, index);
  const integrations = objField(raw, 'integrations', path, index);
  if (traits) out.traits = traits;
  if (properties) out.properties = properties;
  if (context || ctx.batchContext) out.context = ctx.batchContext ? { ...ctx.batchContext, ...(context ?? {}) } : context;
  if (integrations) out.integrations = integrations;
  // identify may carry traits in context.traits too (analytics.js does for track); keep as sent.

  const tsKey = raw.timestamp !== undefined && raw.timestamp !== null ? 'timestamp' : 'originalTimestamp';
  const ts = timeField(raw, tsKey, path, index);
  const ownSentAt = timeField(raw, 'sentAt', path, index);
  const sentAt = ownSentAt ?? ctx.batchSentAt;
  const corrected = correctSkew(ts, sentAt, ctx.receivedAt);
  const tsIso = ts !== undefined ? isoOf(ts, raw[tsKey] as string) : undefined;
  out.timestamp = corrected === ts ? tsIso! : corrected === ctx.receivedAt ? ctx.receivedAtIso : new Date(corrected).toISOString();
  if (tsIso !== undefined) out.originalTimestamp = tsIso;
  if (ownSentAt !== undefined) out.sentAt = isoOf(ownSentAt, raw.sentAt as string);
  else if (ctx.batchSentAtIso !== undefined) out.sentAt = ctx.batchSentAtIso;
  out.receivedAt = ctx.receivedAtIso;
  return out;
}

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but the interval between the
 * event and sending it is right, so timestamp = receivedAt - (sentAt - originalTimestamp).
 */
export function correctSkew(originalTimestamp: number | undefined, sentAt: number | undefined, receivedAt: number): number {
  if (originalTimestamp === undefined) return receivedAt;
  if (sentAt === undefined) return originalTimestamp;
  return receivedAt - (sentAt - originalTimestamp);
}

export interface BatchEnvelope { batch: unknown[]; sentAt?: number; context?: Record<string, unknown>; writeKey?: string }

/** Validates the /v1/batch envelope (not its messages). */
export function parseBatchEnvelope(body: unknown): BatchEnvelope {
  if (!isPlainObject(body)) fail('body', 'must be a JSON object with a "batch" array', undefined);
  if (!Array.isArray(body.batch)) fail('batch', 'is required and must be an array', undefined);
  const out: BatchEnvelope = { batch: body.batch };
  const sentAt = timeField(body, 'sentAt', 'body', undefined);
  if (sentAt !== undefined) out.sentAt = sentAt;
  const context = objField(body, 'context', 'body', undefined);
  if (context) out.context = context;
  if (typeof body.writeKey === 'string') out.writeKey = body.writeKey;
  return out;
}
