import { describe, expect, it } from 'vitest';
import { createRng, sampleNormal } from '../stats/index.ts';
import { checkIntervalCalibration, type PotentialOutcomes } from './simulator.calibration.ts';

function units(n: number, draw: (r: ReturnType<typeof createRng>) => PotentialOutcomes): PotentialOutcomes[] {
  const r = createRng('units');
  return Array.from({ length: n }, () => draw(r));
}

describe('checkIntervalCalibration', () => {
  it('finds a Welch interval on normal outcomes calibrated, misses on both sides alike', () => {
    const u = units(1200, (r) => { const y0 = 30 + 40 * sampleNormal(r); return { control: y0, treated: y0 + 2 }; });
    const c = checkIntervalCalibration(u, { controlShare: 0.1, draws: 4000, seed: 1 });
    expect(c.draws).toBe(4000);
    expect(c.coverage).toBeGreaterThan(0.935);
    expect(c.coverage).toBeLessThan(0.965);
    expect(Math.abs(c.missLow - c.missHigh)).toBeLessThan(0.015);
  });

  it('shows the skew of heavy-tailed spend: misses fall high, and a small control group undercovers', () => {
    // Most shoppers spend nothing; one in fifty spends a lot (lognormal).
    const u = units(1200, (r) => { const y0 = r.next() < 0.02 ? Math.exp(5 + 1.2 * sampleNormal(r)) : 0; return { control: y0, treated: y0 + 1 }; });
    const c = checkIntervalCalibration(u, { controlShare: 0.1, draws: 4000, seed: 2 });
    expect(c.missHigh).toBeGreaterThan(3 * c.missLow);
    expect(c.coverage).toBeLessThan(0.94);
  });

  it('is reproducible by seed and rejects a control share outside (0, 1)', () => {
    const u = units(300, (r) => ({ control: r.next() * 10, treated: r.next() * 12 }));
    expect(checkIntervalCalibration(u, { controlShare: 0.2, draws: 200, seed: 'x' })).toEqual(checkIntervalCalibration(u, { controlShare: 0.2, draws: 200, seed: 'x' }));
    expect(() => checkIntervalCalibration(u, { controlShare: 1, draws: 10, seed: 1 })).toThrow(/controlShare/);
  });
});
