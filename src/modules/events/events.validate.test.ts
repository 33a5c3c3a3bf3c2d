import { describe, expect, it } from 'vitest';
import { messageKey } from './events.store.ts';
import { correctSkew, normalizeMessage, parseBatchEnvelope } from './events.validate.ts';

const ctx = (receivedAt: number) => ({ receivedAt, receivedAtIso: new Date(receivedAt).toISOString(), newMessageId: () => 'gen-1' });

describe('message validation and normalization (pure)', () => {
  it('corrects skew as Segment does, and leaves timestamps alone without sentAt', () => {
    expect(correctSkew(1_000, 5_000, 100_000)).toBe(96_000);
    expect(correctSkew(1_000, undefined, 100_000)).toBe(1_000);
    expect(correctSkew(undefined, 5_000, 100_000)).toBe(100_000);
  });
  it('normalizes timestamps of any ISO form to canonical UTC and keeps the original', () => {
    const m = normalizeMessage({ type: 'track', userId: 7, event: 'E', timestamp: '2026-01-01T10:00:00+02:00' }, 'body', undefined, ctx(Date.UTC(2026, 0, 2)));
    expect(m).toMatchObject({ userId: '7', messageId: 'gen-1', timestamp: '2026-01-01T08:00:00.000Z', originalTimestamp: '2026-01-01T08:00:00.000Z', receivedAt: '2026-01-02T00:00:00.000Z' });
    const n = normalizeMessage({ type: 'track', userId: 'u', event: 'E' }, 'body', undefined, ctx(Date.UTC(2026, 0, 2)));
    expect(n.timestamp).toBe('2026-01-02T00:00:00.000Z');
  });
  it('merges batch context under the message context', () => {
    const m = normalizeMessage({ type: 'page', anonymousId: 'a', context: { ip: '1' } }, 'batch[0]', 0, { ...ctx(0), batchContext: { ip: '0', locale: 'en' } });
    expect(m.context).toEqual({ ip: '1', locale: 'en' });
  });
  it('names the field and index of the first problem', () => {
    expect(() => normalizeMessage({ type: 'group', userId: 'u' }, 'batch[2]', 2, ctx(0))).toThrow(expect.objectContaining({ details: { field: 'batch[2].groupId', index: 2 } }));
    expect(() => normalizeMessage('x', 'batch[0]', 0, ctx(0))).toThrow(/batch\[0\]: must be a JSON object/);
    expect(() => parseBatchEnvelope({ batch: {} })).toThrow(/batch: is required and must be an array/);
  });
  it('uses a uuid messageId as its own dedupe key and hashes anything else into uuid form', () => {
    expect(messageKey('0A1B2C3D-0000-4000-8000-00000000002A')).toBe('0a1b2c3d-0000-4000-8000-00000000002a');
    expect(messageKey('ajs-next-123')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(messageKey('ajs-next-123')).toBe(messageKey('ajs-next-123'));
    expect(messageKey('ajs-next-123')).not.toBe(messageKey('ajs-next-124'));
  });
});
