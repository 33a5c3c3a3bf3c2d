/** Worker, instance, guardrail and playbook routes (admin). Documents are JSON or YAML. */
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, invalid, pageByKey, principalOf, routeValidator, type HttpServer } from '../../core/index.ts';
import type { WorkersService } from './workers.service.ts';
import { INSTANCE_STATES, WORKER_STATUSES, type Instance } from './workers.types.ts';

const tags = ['workers'];
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });
const Worker = Type.Object({
  id: Type.String(), status: Type.String(), version: Type.Integer(), liveVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'the version new journeys start on (a newer one may be held for approval); null: none yet' }),
  definition: Type.Object({}, { additionalProperties: true }),
  createdAt: Type.String(), updatedAt: Type.String(), updatedBy: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  waitingByStep: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Waiting journeys per index of the step they run next (GET of one worker)' })),
  approval: Type.Optional(Type.Object({
    id: Type.String(), version: Type.Integer(), tier: Type.String(), status: Type.String(), queue: Type.Union([Type.String(), Type.Null()]), held: Type.Boolean(),
    reasons: Type.Array(Type.Object({ code: Type.String(), tier: Type.String(), message: Type.String() })),
    audience: Type.Union([Type.Object({
      size: Type.Integer(), atLeast: Type.Boolean({ description: 'counting stopped above the threshold: size is a lower bound' }), basis: Type.String({ description: 'what was counted' }),
    }), Type.Null()], { description: 'shoppers the version may reach, counted when it was saved (the audience_size rule)' }),
  }, { description: 'Where the new version stands (docs/governance.md); held = journeys keep starting on liveVersion' })),
});
const InstanceSchema = Type.Object({
  id: Type.String(), workerId: Type.String(), version: Type.Integer(), profileId: Type.String(), key: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(), step: Type.Integer(), wakeAt: Type.String(), waitEvent: Type.Union([Type.String(), Type.Null()]),
  holdout: Type.Union([Type.String(), Type.Null()], { description: 'null = treated; global_control or worker_holdout, assigned at entry and never recomputed' }),
  assignment: Type.Union([Type.String(), Type.Null()], { description: 'Version of the salted hash that assigned the arm (v1); null on journeys logged before it was recorded' }),
  arms: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()], { description: 'A/B/n arms assigned at entry (experiment key → arm name) by the same hash version; null when held out or the version has no arms' }),
  exitReason: Type.Union([Type.String(), Type.Null()]), enteredAt: Type.String(),
  ctx: Type.Object({}, { additionalProperties: true }),
});
const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' });
const Cursor = Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' }));
const wire = (i: Instance) => ({ ...i, wakeAt: new Date(i.wakeAt).toISOString(), enteredAt: new Date(i.enteredAt).toISOString() });
const GuardrailsSchema = Type.Object({
  caps: Type.Array(Type.Object({ channel: Type.String(), max: Type.Integer(), period: Type.String() })),
  quietHours: Type.Object({ start: Type.Integer(), end: Type.Integer() }),
  minGapMinutes: Type.Integer(), paidSuppressionHours: Type.Integer(), defaultTimezone: Type.String(),
});

export function registerWorkerRoutes(http: HttpServer, workers: WorkersService): void {
  // YAML documents (braid workers apply FILE.yaml, or curl --data-binary @worker.yaml).
  if (!http.hasContentTypeParser('application/yaml')) {
    http.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }

  http.get('/v1/workers', {
    schema: {
      tags, summary: 'Workers in id order, keyset-paged, with their current version, status and instance counts',
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), cursor: Cursor }),
      response: { 200: Type.Object({ items: Type.Array(Worker), nextCursor: NextCursor }) },
    },
  }, async (req) => {
    const page = pageByKey(await workers.list(), (w) => w.id, req.query);
    return { items: await Promise.all(page.items.map(async (w) => ({ ...w, counts: await workers.counts(w.id) }))), nextCursor: page.nextCursor };
  });

  http.post('/v1/workers', {
    schema: { tags, summary: 'Create or update a worker from a document (a changed document becomes a new version)', body: Type.Unknown(), response: { 200: Worker, 201: Worker } },
  }, async (req, reply) => {
    const r = await workers.apply(req.body, principalOf(req));
    return reply.code(r.created && r.version === 1 ? 201 : 200).send(r);
  });

  http.put('/v1/workers/:id', {
    schema: { tags, summary: 'Create or replace a worker (new version when the document changed)', params: Id, body: Type.Unknown(), response: { 200: Worker } },
  }, async (req) => workers.apply(req.body, principalOf(req), req.params.id));

  http.get('/v1/workers/:id', { schema: { tags, summary: 'A worker, with its journey counts and the waiting journeys per step', params: Id, response: { 200: Worker } } },
    async (req) => ({ ...(await workers.get(req.params.id)), counts: await workers.counts(req.params.id), waitingByStep: await workers.waitingByStep(req.params.id) }));

  http.delete('/v1/workers/:id', { schema: { tags, summary: 'Delete a worker (its waiting instances exit)', params: Id } }, async (req, reply) => {
    await workers.remove(req.params.id, principalOf(req));
    return reply.code(204).send();
  });

  http.post('/v1/workers/:id/status', {
    schema: { tags, summary: 'Turn a worker on, off or pause it (off and paused end its waiting instances)', params: Id,
      body: Type.Object({ status: Type.Union(WORKER_STATUSES.map((s) => Type.Literal(s))) }, { additionalProperties: false }),
      response: { 200: Type.Intersect([Worker, Type.Object({ exited: Type.Integer() })]) } },
    validatorCompiler: routeValidator,
  }, async (req) => workers.setStatus(req.params.id, req.body.status, principalOf(req)));

  http.get('/v1/workers/:id/versions', {
    schema: { tags, summary: 'Versions of a worker, newest first', params: Id,
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Type.String(), createdBy: Type.Union([Type.String(), Type.Null()]) })) }) } },
  }, async (req) => ({ items: await workers.versions(req.params.id) }));

  http.get('/v1/workers/:id/versions/:version', {
    schema: { tags, summary: 'One version\'s document', params: Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1 }) }) },
  }, async (req) => workers.version(req.params.id, req.params.version));

  http.get('/v1/workers/:id/instances', {
    schema: { tags, summary: 'Journeys of a worker, newest first, keyset-paged', params: Id,
      querystring: Type.Object({
        state: Type.Optional(Type.Union(INSTANCE_STATES.map((s) => Type.Literal(s)))), profile: Type.Optional(Type.String()),
        step: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Index of the step a journey runs next (with state=waiting: the journeys waiting before that step)' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), cursor: Cursor,
      }),
      response: { 200: Type.Object({ items: Type.Array(InstanceSchema), nextCursor: NextCursor }) } },
  }, async (req) => {
    await workers.get(req.params.id);
    const limit = req.query.limit ?? 100;
    const [enteredAt, id] = req.query.cursor ? decodeCursor(req.query.cursor, ['n', 's']) : [];
    // One extra row tells whether another page exists.
    const rows = await workers.instances({
      workerId: req.params.id, state: req.query.state, profileId: req.query.profile, step: req.query.step, limit: limit + 1,
      ...(enteredAt !== undefined ? { after: { enteredAt: enteredAt as number, id: id as string } } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(wire), nextCursor: rows.length > limit && last ? encodeCursor([last.enteredAt, last.id]) : null };
  });

  http.post('/v1/workers/:id/uplift/train', {
    schema: { tags, summary: 'Train the worker\'s uplift model now (entry.uplift) from its journeys, treated vs worker holdout; measured on a held-out half (Qini, AUUC). Braid also retrains on its own every entry.uplift.retrain', params: Id,
      response: { 200: Type.Object({
        trained: Type.Boolean(), reason: Type.Optional(Type.String({ description: 'Why no model was trained (not enough closed journeys)' })),
        trainedAt: Type.Optional(Type.String()),
        train: Type.Object({ units: Type.Integer(), treated: Type.Integer(), control: Type.Integer() }),
        test: Type.Object({ units: Type.Integer(), treated: Type.Integer(), control: Type.Integer() }),
        evaluation: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Qini coefficient, AUUC, uplift at top 30%, admitted share at minScore: as GET /v1/reports/workers/{id}/uplift' })),
      }) } },
  }, async (req) => {
    const r = await workers.trainUplift(req.params.id);
    if (!r.trained) return { trained: false, reason: r.reason, train: r.train, test: r.test };
    const ev = JSON.parse(JSON.stringify(r.model.evaluation)) as typeof r.model.evaluation; // NaN (undefined ratios) → null
    return { trained: true, trainedAt: new Date(r.model.trainedAt).toISOString(), train: ev.train, test: ev.test, evaluation: ev };
  });

  http.get('/v1/instances/:id', { schema: { tags, summary: 'One journey with its trail of steps', params: Id, response: { 200: InstanceSchema } } },
    async (req) => wire(await workers.instance(req.params.id)));

  http.get('/v1/guardrails', { schema: { tags, summary: 'Frequency caps, quiet hours, minimum gap and paid-media suppression, across all workers', response: { 200: GuardrailsSchema } } },
    async () => workers.guardrails());

  http.put('/v1/guardrails', {
    schema: { tags, summary: 'Change guardrails (omitted fields keep their value)', body: Type.Unknown(), response: { 200: GuardrailsSchema } },
  }, async (req) => workers.setGuardrails(req.body, principalOf(req)));

  http.get('/v1/playbooks', {
    schema: { tags, summary: 'Shipped playbooks: ready worker documents', response: { 200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })) }) } },
  }, async () => ({ items: [...workers.playbooks()] }));

  http.post('/v1/playbooks/:name/install', {
    schema: { tags, summary: 'Install a playbook as a worker (off unless status is given); body fields override the playbook\'s', params: Type.Object({ name: Type.String({ maxLength: 100 }) }),
      body: Type.Optional(Type.Object({}, { additionalProperties: true })), response: { 200: Worker } },
  }, async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if ('id' in body && typeof body.id !== 'string') throw invalid('id', 'must be a string');
    return workers.installPlaybook(req.params.name, body, principalOf(req));
  });
}
