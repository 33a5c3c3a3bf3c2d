/**
 * The store-level model behind the traits: BG/NBD + Gamma-Gamma parameters and the store's
 * statistics (RFM quintiles, price tertiles, CLV cut-off, cadence, replenishment intervals).
 * buildModel fits it on every customer's history; pure, no I/O (the service stores it).
 */
import { fitBgNbdSteps, type BgNbdParams } from './traits.bgnbd.ts';
import { daysByKey, meanUnitPrice } from './traits.behaviour.ts';
import { fitGammaGammaSteps, type GammaGammaParams } from './traits.gamma-gamma.ts';
import { EMPTY_SNAPSHOT, purchaseAmounts, type HistoryOrder } from './traits.history.ts';
import { median, quantileSorted, runCooperatively, runSync } from './traits.math.ts';
import { computeRfm, DEFAULT_RFM_BREAKPOINTS, gapsOf, purchaseDays } from './traits.rfm.ts';
import { summarizePurchases } from './traits.summary.ts';
import { clvOf, type ClvSettings } from './traits.clv.ts';
import type { TraitModel } from './traits.types.ts';

/** The published CDNOW fit (Fader, Hardie & Lee 2005), in weeks: the prior before any fit. */
export const CDNOW_BGNBD: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
export const CDNOW_GAMMA_GAMMA: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.45 };

export const DEFAULT_MODEL: TraitModel = {
  version: 0, fittedAt: null, bgnbd: CDNOW_BGNBD, gammaGamma: null, customers: 0, repeatCustomers: 0,
  rfm: DEFAULT_RFM_BREAKPOINTS, priceCutoffs: null, highValueCutoff: 200, cadenceDays: 60, replenishment: {},
};

/** Below these, the previous parameters are kept: too few customers to fit reliably. */
export const MIN_CUSTOMERS_BGNBD = 50;
export const MIN_REPEATERS = 20;
/** A store replenishment interval needs this many repeat gaps for the key. */
export const MIN_KEY_GAPS = 5;
/** ... and this share of the key's buyers bought it on 2+ days. */
export const MIN_REPEAT_BUYER_SHARE = 0.2;
export const MAX_STORE_KEYS = 2000;
/** At most this many customers enter the likelihood fits (a deterministic sample); statistics use all. */
export const MAX_FIT_CUSTOMERS = 20_000;

const quintiles = (values: number[]): number[] => {
  const s = [...values].sort((a, b) => a - b);
  return [0.2, 0.4, 0.6, 0.8].map((q) => Math.round(quantileSorted(s, q) * 100) / 100);
};

/** Every `step`-th customer (customers in id order), so the fit sample is deterministic. */
function sample<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const step = rows.length / max;
  return Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]!);
}

export function buildModel(histories: ReadonlyMap<string, readonly HistoryOrder[]>, nowMs: number, prev: TraitModel, clv: ClvSettings): TraitModel {
  return runSync(buildModelSteps(histories, nowMs, prev, clv));
}

/** buildModel without holding the event loop: the server's refit runs this. */
export function buildModelAsync(histories: ReadonlyMap<string, readonly HistoryOrder[]>, nowMs: number, prev: TraitModel, clv: ClvSettings): Promise<TraitModel> {
  return runCooperatively(buildModelSteps(histories, nowMs, prev, clv));
}

function* buildModelSteps(histories: ReadonlyMap<string, readonly HistoryOrder[]>, nowMs: number, prev: TraitModel, clv: ClvSettings): Generator<void, TraitModel> {
  const ids = [...histories.keys()].sort();
  const summaries = ids.map((id) => ({ id, s: summarizePurchases(purchaseAmounts(histories.get(id)!), nowMs) })).filter((r) => r.s !== undefined).map((r) => ({ id: r.id, s: r.s! }));
  const repeaters = summaries.filter((r) => r.s.x > 0);

  let bgnbd = prev.bgnbd;
  if (summaries.length >= MIN_CUSTOMERS_BGNBD && repeaters.length >= MIN_REPEATERS) {
    const fit = yield* fitBgNbdSteps(sample(summaries, MAX_FIT_CUSTOMERS).map((r) => r.s), prev.bgnbd);
    if (fit.converged || fit.logLikelihood > -Infinity) bgnbd = { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b };
  }
  let gammaGamma = prev.gammaGamma;
  const spenders = repeaters.filter((r) => r.s.monetary > 0);
  if (spenders.length >= MIN_REPEATERS) {
    const fit = yield* fitGammaGammaSteps(sample(spenders, MAX_FIT_CUSTOMERS).map((r) => ({ x: r.s.x, m: r.s.monetary })), prev.gammaGamma ?? undefined);
    gammaGamma = fit.q > 1 ? { p: fit.p, q: fit.q, v: fit.v } : null;
  }

  const rfms = ids.map((id) => computeRfm(histories.get(id)!, nowMs)).filter((r) => r.frequency > 0);
  const rfm = rfms.length >= 5
    ? { recencyDays: quintiles(rfms.map((r) => r.recencyDays!)), frequency: quintiles(rfms.map((r) => r.frequency)), monetary: quintiles(rfms.map((r) => r.monetary)) }
    : prev.rfm;

  const prices = ids.map((id) => meanUnitPrice(histories.get(id)!, EMPTY_SNAPSHOT)).filter((p): p is number => p !== null).sort((a, b) => a - b);
  const priceCutoffs: [number, number] | null = prices.length >= 10
    ? [Math.round(quantileSorted(prices, 1 / 3) * 100) / 100, Math.round(quantileSorted(prices, 2 / 3) * 100) / 100] : prev.priceCutoffs;

  const cadences = ids.map((id) => gapsOf(purchaseDays(histories.get(id)!))).filter((g) => g.length > 0).map(median);
  const cadenceDays = cadences.length >= 5 ? Math.max(1, median(cadences)) : prev.cadenceDays;

  const keyGaps = new Map<string, number[]>();
  const buyers = new Map<string, { all: number; repeat: number }>();
  for (const id of ids) {
    for (const [key, days] of daysByKey(histories.get(id)!)) {
      const b = buyers.get(key) ?? { all: 0, repeat: 0 };
      b.all++;
      buyers.set(key, b);
      if (days.length < 2) continue;
      b.repeat++;
      const list = keyGaps.get(key) ?? [];
      list.push(...gapsOf(days));
      keyGaps.set(key, list);
    }
  }
  // A key is replenished when enough of its buyers come back for it, not when a few happen to.
  const replenished = (key: string) => { const b = buyers.get(key)!; return b.repeat / b.all >= MIN_REPEAT_BUYER_SHARE; };
  const replenishment: Record<string, number> = {};
  [...keyGaps].filter(([k, g]) => g.length >= MIN_KEY_GAPS && replenished(k)).sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_STORE_KEYS)
    .forEach(([k, g]) => { replenishment[k] = Math.max(1, median(g)); });

  const next: TraitModel = {
    version: prev.version + 1, fittedAt: new Date(nowMs).toISOString(), bgnbd, gammaGamma,
    customers: summaries.length, repeatCustomers: repeaters.length, rfm, priceCutoffs, highValueCutoff: prev.highValueCutoff, cadenceDays, replenishment,
  };
  const values = summaries.map((r) => clvOf(r.s, next, clv).expectedValue).sort((a, b) => a - b);
  if (values.length >= 5) next.highValueCutoff = Math.round(quantileSorted(values, 0.8) * 100) / 100;
  return next;
}
