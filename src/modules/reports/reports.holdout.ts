/**
 * Holdout-based incrementality from Braid's own logs: for a placement and period, every shopper
 * decided for is a unit in the group of their first decision there (the persistent global control
 * group gets non-personal defaults and no incentives). Outcomes count the shopper's orders from
 * that first decision to the end of the attribution window: conversion, revenue, discount and
 * contribution (revenue - COGS at the catalog's current cost - discount), net of refunds as the
 * worker reports net them (a share f refunded keeps revenue − refunded and (1 − f) of COGS and
 * discount; docs/proof.md). The pre-period covariate
 * for CUPED is the shopper's revenue in the same length of time before the first decision.
 * The report (Welch, delta method, SRM against the configured split) is buildExperimentReport's.
 */
import type { CatalogCache } from '../catalog/index.ts';
import type { DecisionService } from '../decisioning/index.ts';
import type { OrderRow, ProfileService } from '../profiles/index.ts';
import { buildExperimentReport, summarizeUnitRows } from './reports.experiment.ts';
import type { ExperimentReport, UnitRow } from './reports.types.ts';

export const HOLDOUT_OUTCOMES = ['converted', 'revenue', 'discount', 'contribution'] as const;

/** Per-unit outcomes from a shopper's orders: pure, so it can be checked by hand. */
export function holdoutUnit(orders: readonly OrderRow[], firstMs: number, windowMs: number, costOf: (productId: string) => number | null): { outcomes: number[]; pre: number } {
  let converted = 0, revenue = 0, discount = 0, cogs = 0, pre = 0;
  for (const o of orders) {
    if (o.kind !== 'order') continue;
    const t = Date.parse(o.at);
    const kept = 1 - Math.min(1, o.revenue > 0 ? o.refunded / o.revenue : o.refunded > 0 ? 1 : 0);
    const net = Math.max(0, o.revenue - o.refunded);
    if (t >= firstMs - windowMs && t < firstMs) { pre += net; continue; }
    if (t < firstMs || t > firstMs + windowMs) continue;
    converted = 1; revenue += net; discount += o.discount * kept;
    for (const raw of o.items as Array<Record<string, unknown>>) {
      const q = typeof raw.quantity === 'number' ? raw.quantity : 1, price = typeof raw.price === 'number' ? raw.price : 0;
      const c = typeof raw.productId === 'string' ? costOf(raw.productId) : null;
      cogs += (c ?? price * 0.7) * q * kept;
    }
  }
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return { outcomes: [converted, r2(revenue), r2(discount), r2(revenue - cogs - discount)], pre: r2(pre) };
}

export async function reportHoldout(d: { decisioning: DecisionService; profiles: ProfileService; catalog: CatalogCache; holdoutPct: number; windowHours: number },
  q: { placement: string; sinceMs: number; untilMs: number; alpha?: number | undefined }): Promise<ExperimentReport & { placement: string; windowHours: number; units: number }> {
  const windowMs = d.windowHours * 3_600_000;
  const first = await d.decisioning.log.firstExposures(q);
  const byProfile = new Map(first.map((f) => [f.profileId, { f, orders: [] as OrderRow[] }]));
  for (let after = 0; ;) {
    const page = await d.profiles.scanOrders(after, 5000);
    if (page.length === 0) break;
    for (const o of page) byProfile.get(o.profileId)?.orders.push(o);
    after = page[page.length - 1]!.seq;
  }
  const costOf = (id: string) => d.catalog.get(id)?.lead?.cost ?? null;
  const rows: UnitRow[] = [...byProfile.values()].map(({ f, orders }) => {
    const u = holdoutUnit(orders, f.atMs, windowMs, costOf);
    return { unitId: f.profileId, arm: f.group, outcomes: u.outcomes, covariates: { pre_revenue: u.pre } };
  });
  const arms = summarizeUnitRows(rows, [...HOLDOUT_OUTCOMES], { cupedCovariate: 'pre_revenue' });
  const report = buildExperimentReport({
    arms, control: 'control', cupedCovariate: 'pre_revenue', alpha: q.alpha,
    weights: { control: d.holdoutPct / 100, treatment: 1 - d.holdoutPct / 100 },
  });
  return { ...report, placement: q.placement, windowHours: d.windowHours, units: rows.length };
}
