import { describe, expect, it } from 'vitest';
import { messageDecision } from './workers.steps.ts';

describe('messageDecision', () => {
  const action = (o: Record<string, unknown>) => ({ slot: 0, key: 'k', productIds: [], blockIds: [], propensity: 1, expectedContribution: 0, pConversion: 0, why: '', ...o }) as never;
  it('carries every chosen action: all products, every block, the first offer, the first non-product theme', () => {
    const d = messageDecision({ decisionId: 'dec_1', actions: [
      action({ type: 'recommend', productIds: ['p1'] }), action({ type: 'recommend', productIds: ['p2'] }),
      action({ type: 'reassure', theme: 'returns', actionId: 'rr_free_returns', blockIds: ['blk_reassure_returns', 'blk_disclose_returns'] }),
    ] });
    expect(d).toEqual({ id: 'dec_1', type: 'recommend', productIds: ['p1', 'p2'], offerId: undefined, blockIds: ['blk_reassure_returns', 'blk_disclose_returns'], theme: 'returns' });
    const offer = messageDecision({ decisionId: 'dec_2', actions: [action({ type: 'recommend', productIds: ['p1'] }), action({ type: 'incentivize', offerId: 'off10', theme: 'percent_off' })] });
    expect(offer).toMatchObject({ offerId: 'off10', theme: 'percent_off', productIds: ['p1'] });
  });
});
