/**
 * Evaluation of every computed trait and inferred preference from a profile's inputs, the model
 * and the time: one pure function, so the cache can re-evaluate at read time (recency, P(alive)
 * and due dates move with the clock, not only with events).
 */
import { bestSendHour, channelResponsiveness, countOf, type Activity } from './traits.activity.ts';
import { computeDiscountSensitivity, computePreferredCategories, computeReplenishment, meanUnitPrice, priceTierOf } from './traits.behaviour.ts';
import { clvOf, type ClvSettings } from './traits.clv.ts';
import { purchaseAmounts, purchasesOf, type HistoryOrder, type ProfileSnapshot } from './traits.history.ts';
import { inferPreferences } from './traits.infer.ts';
import { dayOf } from './traits.math.ts';
import type { InferredPreference } from './traits.preferences.ts';
import { computeRfm, lifecycleStage, purchaseDays } from './traits.rfm.ts';
import { summarizePurchases } from './traits.summary.ts';
import type { ComputedTraits, TraitModel } from './traits.types.ts';

export interface TraitInputs { history: HistoryOrder[]; activity: Activity; snapshot: ProfileSnapshot }

export interface Evaluation { traits: ComputedTraits; inferred: InferredPreference[] }

export function evaluateTraits(profileId: string, inputs: TraitInputs, model: TraitModel, nowMs: number, clv: ClvSettings, preferenceNames: ReadonlySet<string>): Evaluation {
  const { history, activity, snapshot } = inputs;
  const purchases = purchasesOf(history);
  const summary = summarizePurchases(purchaseAmounts(history), nowMs);
  const clvTraits = clvOf(summary, model, clv);
  const discount = computeDiscountSensitivity(history, {
    couponAttempts: snapshot.couponAttempts,
    promotionViews: countOf(activity, ['Promotion Viewed']),
    promotionClicks: countOf(activity, ['Promotion Clicked']),
  });
  const priceTier = priceTierOf(meanUnitPrice(history, snapshot), model.priceCutoffs);
  const traits: ComputedTraits = {
    profileId,
    rfm: computeRfm(history, nowMs, model.rfm),
    lifecycle: lifecycleStage(purchaseDays(history), dayOf(nowMs), model.cadenceDays),
    customerType: purchases.length >= 2 ? 'returning' : 'new',
    valueTier: clvTraits.expectedValue >= model.highValueCutoff && purchases.length > 0 ? 'high' : 'low',
    clv: clvTraits,
    replenishment: computeReplenishment(history, model.replenishment),
    discountSensitivity: discount.score,
    priceTier,
    preferredCategories: computePreferredCategories(history, snapshot, nowMs),
    bestSendHour: bestSendHour(activity),
    channelResponsiveness: channelResponsiveness(activity),
    computedAt: new Date(nowMs).toISOString(),
  };
  return { traits, inferred: inferPreferences({ history, activity, snapshot, discount, priceTier }, preferenceNames) };
}
