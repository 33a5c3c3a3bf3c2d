import { describe, expect, it } from 'vitest';
import { DIM } from './decisioning.features.ts';
import { decodeRecord, encodeRecord } from './decisioning.record.ts';

describe('decision record', () => {
  it('round-trips the explanation and rebuilds the chosen arms\' feature vectors', () => {
    const shared = new Float64Array(DIM); shared[0] = 1; shared[3] = 0.4; shared[10] = 0.5;
    const x = Float64Array.from(shared); x[12] = 0.9; x[14] = 0.25;
    const text = encodeRecord({
      json: JSON.stringify({ decisionId: 'dec_1', actions: [] }), shared, table: ['action:a', 12.5, 0.3, 40, 0, 'none', 10, 0.25, 40, 0],
      context: { device: 'mobile' }, learn: [{ arm: 'action:a', key: 'action:a', offset: -2, propensity: 0.95, x }],
    });
    const d = decodeRecord(text);
    expect(d.result).toEqual({ decisionId: 'dec_1', actions: [] });
    expect(d.detail.features).toEqual({ bias: 1, hesitation: 0.4, hour_sin: 0.5 });
    expect(d.detail.candidates).toEqual([['action:a', 12.5, 0.3, 40, 0], ['none', 10, 0.25, 40, 0]]);
    expect(d.detail.context).toEqual({ device: 'mobile' });
    expect(d.learn[0]).toMatchObject({ arm: 'action:a', offset: -2, propensity: 0.95 });
    expect(d.learn[0]!.x).toEqual(Array.from(x));
  });
});
