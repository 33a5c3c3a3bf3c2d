/**
 * Is Braid's holdout interval calibrated on this world? A randomization check (pure, no I/O).
 *
 * The simulator knows both potential outcomes of every shopper Braid treated: their contribution
 * in the Braid world and in the no-contact world (common random numbers). Among those units, this
 * re-draws the control group many times at the report's control share, and for each draw forms
 * the report's estimate (per-shopper Welch difference × treated units, treated outcomes from the
 * Braid world, control outcomes from the no-contact world) and its 95% interval, and checks it
 * against that draw's truth, Σ over the draw's treated units of (Braid − none). Coverage near 95%
 * says the interval is right for this outcome distribution; a run's single miss is then chance.
 * It also says on which side misses fall: with right-skewed contribution the estimate misses high
 * more often than low (a control group without a big spender looks poor).
 *
 * It assumes no interference between shoppers (true of the world; Braid's learning couples them
 * only weakly), and the units of the draw are the run's treated units (the control units' treated
 * outcome is unknown).
 */
import { computeSampleStats, createRng, welchTest } from '../stats/index.ts';

export interface PotentialOutcomes { treated: number; control: number }

export interface Calibration {
  draws: number;
  units: number;
  /** Share of draws whose interval covered that draw's truth. */
  coverage: number;
  /** Shares of draws whose interval lay wholly below / above the truth. */
  missLow: number;
  missHigh: number;
}

export function checkIntervalCalibration(units: readonly PotentialOutcomes[], opts: { controlShare: number; draws: number; seed: number | string; alpha?: number }): Calibration {
  if (!(opts.controlShare > 0 && opts.controlShare < 1)) throw new Error('checkIntervalCalibration: controlShare must be in (0, 1)');
  const rng = createRng(opts.seed);
  let draws = 0, covered = 0, low = 0, high = 0;
  const t: number[] = [], c: number[] = [];
  for (let k = 0; k < opts.draws; k++) {
    t.length = 0; c.length = 0;
    let truth = 0;
    for (const u of units) {
      if (rng.next() < opts.controlShare) c.push(u.control);
      else { t.push(u.treated); truth += u.treated - u.control; }
    }
    if (c.length < 2 || t.length < 2) continue;
    const e = welchTest(computeSampleStats(c), computeSampleStats(t), { alpha: opts.alpha ?? 0.05 });
    draws++;
    const lo = e.ciLow * t.length, hi = e.ciHigh * t.length;
    // A miss is low when the whole interval lies below the truth (the estimate understated it).
    if (truth > hi) low++; else if (truth < lo) high++; else covered++;
  }
  const share = (x: number) => (draws === 0 ? 0 : x / draws);
  return { draws, units: units.length, coverage: share(covered), missLow: share(low), missHigh: share(high) };
}
