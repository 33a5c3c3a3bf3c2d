/**
 * `GET /v1/reports/workers/{id}/arms`: a worker's A/B/n arms (one experiment of its steps) against
 * the control arm and against the worker holdout, shaped like the worker report
 * (`WorkerReportBody`) so the console and the CLI reuse its tables. docs/proof.md "Arms".
 */
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpServer } from '../../core/index.ts';
import { nullifyNonFinite } from './reports.routes.ts';
import { AsOf, bodyFields, errors, Fresh, Incremental, Metric, Nullable, Period, periodOf, Srm, tags } from './reports.workers.schemas.ts';
import type { WorkerReports } from './reports.workers.service.ts';

const Experiment = Type.Object({
  key: Type.String({ description: 'The experiment key: a step id, or the `experiment` several steps share' }),
  steps: Type.Array(Type.String(), { description: 'Steps whose arms it assigns' }),
  arms: Type.Array(Type.Object({ name: Type.String(), weight: Type.Number() })),
});

export const ArmsReportSchema = Type.Object({
  worker: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
  since: Type.String(), until: Type.String(), windowHours: Type.Number(), ...AsOf,
  globalControlExcluded: Type.Integer({ description: 'Entrants of the global control group, left out' }),
  experiment: Experiment,
  experiments: Type.Array(Experiment, { description: 'Every experiment of the current worker version' }),
  control: Type.String({ description: 'The arm the others are compared with (default: the experiment\'s first)' }),
  alpha: Type.Number(),
  units: Type.Object({
    total: Type.Integer(), holdout: Type.Integer({ description: 'Worker holdout: no arm' }), assigned: Type.Integer({ description: 'Treated shoppers with an arm of this experiment' }),
    unassigned: Type.Integer({ description: 'Treated shoppers whose first journey ran a version without this experiment' }),
  }),
  arms: Type.Array(Type.Object({
    arm: Type.String(), n: Type.Integer(), share: Type.Number({ description: 'Of the assigned shoppers' }),
    expectedShare: Type.Number({ description: 'Intended share from the arm weights of each shopper\'s worker version' }),
  })),
  srm: Nullable(Srm),
  metrics: Type.Array(Metric, { description: 'Per arm, and each arm against the control arm (arms with fewer than two shoppers are left out)' }),
  vsControl: Type.Array(Type.Intersect([Type.Object({ arm: Type.String() }), Incremental]), { description: 'Incremental contribution of each arm over the control arm' }),
  vsHoldout: Type.Array(Type.Object({ arm: Type.String(), ...bodyFields }), { description: 'Each arm against the worker holdout: a worker report per arm' }),
});

type Snap = <T extends object>(req: FastifyRequest, compute: () => Promise<T>) => Promise<T & { asOf: string }>;

export function registerArmsReportRoute(http: HttpServer, reports: WorkerReports, snap: Snap): void {
  http.get('/v1/reports/workers/:id/arms', {
    schema: {
      tags, summary: 'A worker\'s A/B/n arms: per arm conversion, revenue, AOV, contribution, discount, messages, unsubscribes per shopper entered; each arm against the control arm and against the worker holdout (Welch and delta-method CIs, p-values, CUPED); SRM against the arm weights',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
      querystring: Type.Object({
        ...Period, ...Fresh,
        experiment: Type.Optional(Type.String({ maxLength: 40, description: 'Experiment key (default: the first of the current version; an older version\'s is reported from the journeys that ran it)' })),
        control: Type.Optional(Type.String({ maxLength: 40, description: 'Arm to compare the others with (default: the experiment\'s first arm)' })),
        windowHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366, description: 'Outcome window after each entry, hours (default BRAID_ATTRIBUTION_WINDOW_HOURS)' })),
      }),
      response: { 200: ArmsReportSchema, ...errors },
    },
  }, async (req) => {
    const q = req.query as { since?: string; until?: string; alpha?: number; experiment?: string; control?: string; windowHours?: number };
    return snap(req, async () => nullifyNonFinite(await reports.arms((req.params as { id: string }).id, { ...periodOf(q), experiment: q.experiment, control: q.control, windowHours: q.windowHours })));
  });
}
