/**
 * A customer's CLV traits from their summary and the model: BG/NBD for how many purchases and
 * whether they are still alive, Gamma-Gamma for how much each is worth, discounted over the
 * horizon (traits.gamma-gamma.ts discountedClv). Pure, no I/O.
 */
import { expectedPurchases, probabilityAlive } from './traits.bgnbd.ts';
import { DEFAULT_CLV, discountedClv, expectedAverageSpend, type ClvOptions } from './traits.gamma-gamma.ts';
import type { CustomerSummary } from './traits.summary.ts';
import type { ClvTraits, TraitModel } from './traits.types.ts';

export type ClvSettings = ClvOptions;
export const DEFAULT_CLV_SETTINGS: ClvSettings = DEFAULT_CLV;

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Without purchases everything is 0 and pAlive null (BG/NBD describes acquired customers). The
 * spend is the Gamma-Gamma expectation when the model has one, else the customer's own mean
 * spend per purchase day.
 */
export function clvOf(s: CustomerSummary | undefined, model: TraitModel, settings: ClvSettings = DEFAULT_CLV_SETTINGS): ClvTraits {
  const base = { modelVersion: model.version, horizonWeeks: settings.horizon };
  if (!s) return { expectedPurchases: 0, expectedSpend: 0, expectedValue: 0, pAlive: null, ...base };
  const c = { x: s.x, tx: s.tx, T: s.T };
  const spend = model.gammaGamma ? expectedAverageSpend(model.gammaGamma, { x: s.x, m: s.monetary }) : s.total / s.days;
  return {
    expectedPurchases: r4(expectedPurchases(model.bgnbd, c, settings.horizon)),
    expectedSpend: r2(spend),
    expectedValue: r2(discountedClv(model.bgnbd, c, spend, settings)),
    pAlive: r4(probabilityAlive(model.bgnbd, c)),
    ...base,
  };
}
