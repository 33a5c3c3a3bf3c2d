/**
 * Reports over Braid's own decision log (admin): off-policy evaluation (POST /v1/reports/ope) and
 * holdout-based incrementality per placement (GET /v1/reports/holdout).
 */
import { Type } from 'typebox';
import { invalid, type Config, type HttpServer } from '../../core/index.ts';
import type { CatalogCache } from '../catalog/index.ts';
import type { DecisionService } from '../decisioning/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { reportHoldout } from './reports.holdout.ts';
import { evaluateOnDecisionLog, parseTargetPolicy, type DecisionLogEvaluation } from './reports.policy.ts';

const MAX_ROWS = 500_000;

export async function evaluatePolicy(decisions: DecisionService, body: { policy: unknown; since?: string | undefined; alpha?: number | undefined }): Promise<DecisionLogEvaluation> {
  const policy = parseTargetPolicy(body.policy);
  const rows = await decisions.log.scan({ placement: policy.placement, sinceMs: body.since ? Date.parse(body.since) : undefined, limit: MAX_ROWS });
  const types = new Map<string, string>();
  for (const a of decisions.config.actions()) types.set(`action:${a.id}`, a.type);
  return evaluateOnDecisionLog(rows, policy, { alpha: body.alpha, types });
}

export function registerDecisionReportRoutes(http: HttpServer, c: { decisioning: DecisionService; profiles: ProfileService; catalog: CatalogCache; config: Config; nowMs: () => number }): void {
  const decisions = c.decisioning;
  http.get('/v1/reports/holdout', {
    schema: {
      tags: ['reports'], summary: 'Incrementality of a placement against the persistent global control group: conversion, revenue, discount and contribution per shopper, Welch CIs, SRM, CUPED',
      querystring: Type.Object({
        placement: Type.String({ minLength: 1, maxLength: 100 }),
        since: Type.Optional(Type.String({ format: 'date-time', description: 'Default: 30 days ago' })),
        until: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
        alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 0.5 })),
      }),
    },
  }, async (req) => {
    const untilMs = req.query.until ? Date.parse(req.query.until) : c.nowMs();
    const sinceMs = req.query.since ? Date.parse(req.query.since) : untilMs - 30 * 86_400_000;
    if (!(sinceMs < untilMs)) throw invalid('since', 'must be before until');
    return reportHoldout(
      { decisioning: decisions, profiles: c.profiles, catalog: c.catalog, holdoutPct: c.config.brain.globalHoldoutPct, windowHours: c.config.brain.attributionWindowHours },
      { placement: req.query.placement, sinceMs, untilMs, alpha: req.query.alpha },
    );
  });

  http.post('/v1/reports/ope', {
    schema: {
      tags: ['reports'], summary: 'Off-policy evaluation: what a target policy would have earned on the logged traffic (IPS, SNIPS, DM, DR with CIs)',
      body: Type.Object({
        policy: Type.Object({
          name: Type.Optional(Type.String({ maxLength: 200 })),
          placement: Type.String({ minLength: 1, maxLength: 100 }),
          prefer: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 200, description: 'Action keys (offer:x, action:y, product:z, none), type:<action type>, or *; the first eligible wins' }),
          epsilon: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        }, { additionalProperties: false }),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
      }, { additionalProperties: false }),
    },
  }, async (req) => evaluatePolicy(decisions, req.body));
}
