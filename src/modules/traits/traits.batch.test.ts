import { describe, expect, it } from 'vitest';
import type { LoggedMessage } from '../events/index.ts';
import type { AppliedBatch, OrderRow, ProfileState } from '../profiles/index.ts';
import { combineBatches, planBatch } from './traits.batch.ts';
import { DEFAULT_PREFERENCES } from './traits.preferences.ts';

const state = (id: string, eventCount: number) => ({ id, eventCount, orders: { count: 0 } }) as unknown as ProfileState;
const orderRow = (orderId: string, profileId: string, refunded = 0) => ({ orderId, profileId, kind: 'order', revenue: 10, refunded, items: [], at: '2026-01-01T00:00:00.000Z', seq: 1 }) as unknown as OrderRow;
const message = (seq: number, m: Partial<LoggedMessage>) => ({ messageId: `m${seq}`, seq, type: 'track', timestamp: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:00.000Z', ...m }) as LoggedMessage;

describe('planBatch and combineBatches', () => {
  const first: AppliedBatch = {
    profiles: [state('a', 1), state('b', 1)], merged: [], orders: [orderRow('o1', 'a')],
    messages: [message(1, { event: 'Order Completed' }), message(2, { event: 'Preference Captured', properties: { variable: 'deal_seeking', value: 0.4, source: 'quiz' } })],
    events: [{ profileId: 'a', seq: 1, name: 'Order Completed', at: '2026-01-01T00:00:00.000Z' }, { profileId: 'b', seq: 2, name: 'Preference Captured', at: '2026-01-01T00:00:00.000Z' }],
  };
  const second: AppliedBatch = {
    profiles: [state('c', 3)], merged: [{ from: 'a', into: 'b' }, { from: 'b', into: 'c' }], orders: [orderRow('o1', 'c', 10)],
    messages: [message(3, { type: 'identify' })], events: [{ profileId: 'c', seq: 3, name: 'identify', at: '2026-01-02T00:00:00.000Z' }],
  };

  it('follows merge chains: events, orders and declared preferences land on the final survivor', () => {
    const plan = planBatch(combineBatches([first, second]), DEFAULT_PREFERENCES);
    expect(plan.touched).toEqual(['c']);
    expect(plan.merges).toEqual([{ from: 'a', into: 'b' }, { from: 'b', into: 'c' }]);
    expect(plan.events.get('c')!.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(plan.orders.get('c')!.map((o) => o.refunded)).toEqual([0, 10]); // the later version comes last and wins
    expect(plan.declared).toMatchObject([{ profileId: 'c', variable: 'deal_seeking', value: 0.4, source: 'quiz' }]);
    expect([...plan.states.keys()]).toEqual(['c']);
  });

  it('a single batch passes through unchanged; a later profile state wins', () => {
    expect(combineBatches([first])).toBe(first);
    const later = { ...first, profiles: [state('a', 9)] };
    expect(combineBatches([first, later]).profiles.find((p) => p.id === 'a')!.eventCount).toBe(9);
  });
});
