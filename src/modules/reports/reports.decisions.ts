/**
 * Off-policy evaluation over Braid's own decision log (POST /v1/reports/ope). Holdout-based
 * incrementality per placement is reports.placements.routes.
 */
import { Type } from 'typebox';
import type { HttpServer } from '../../core/index.ts';
import type { DecisionService } from '../decisioning/index.ts';
import { evaluateOnDecisionLog, parseTargetPolicy, type DecisionLogEvaluation } from './reports.policy.ts';

const MAX_ROWS = 500_000;

export async function evaluatePolicy(decisions: DecisionService, body: { policy: unknown; since?: string | undefined; alpha?: number | undefined }): Promise<DecisionLogEvaluation> {
  const policy = parseTargetPolicy(body.policy);
  const rows = await decisions.log.scan({ placement: policy.placement, sinceMs: body.since ? Date.parse(body.since) : undefined, limit: MAX_ROWS });
  const types = new Map<string, string>();
  for (const a of decisions.config.actions()) types.set(`action:${a.id}`, a.type);
  return evaluateOnDecisionLog(rows, policy, { alpha: body.alpha, types });
}

export function registerDecisionReportRoutes(http: HttpServer, decisions: DecisionService): void {
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
