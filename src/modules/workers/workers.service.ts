/**
 * The workers service: versioned definitions (CRUD, apply), the live set the engine runs, the
 * guardrail settings, and the background loop (due timers, sweeps). Definitions are cached in
 * memory by (id, version): a running instance keeps the version it started with.
 */
import { parse as parseYaml } from 'yaml';
import { invalid, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import type { AudienceEstimate, Submission } from '../approvals/index.ts';
import { estimateAudience } from './workers.audience.ts';
import type { AppliedBatch } from '../profiles/index.ts';
import { createEngine, DUE_PER_PASS, type Engine, type LiveWorker } from './workers.engine.ts';
import { parseGuardrails, type GuardrailSettings } from './workers.guardrails.ts';
import type { WorkersDeps } from './workers.deps.ts';
import {
  countInstances, deleteWorker, exitVersionInstances, exitWorkerInstances, fallBackLiveVersion, getInstance, listInstances, listVersions, loadVersion, loadWorkers, saveVersion, setLiveVersion, setStatus, waitingByStep,
} from './workers.store.ts';
import { createTriggers } from './workers.triggers.ts';
import { PLAYBOOKS } from './workers.playbooks.ts';
import { WORKER_STATUSES, type Instance, type WorkerDefinition, type WorkerRecord, type WorkerStatus } from './workers.types.ts';
import { parseWorkerDefinition, workerFacts } from './workers.definition.ts';
import { createUpliftTrainer, type TrainResult } from './workers.uplift.service.ts';
import { upliftAdmissions } from './workers.uplift.store.ts';

export interface WorkersOptions { pollMs?: number; sweepMs?: number }

export function createWorkers(deps: CoreDeps, w: WorkersDeps, opts: WorkersOptions = {}) {
  const db = deps.db;
  const defs = new Map<string, { def: WorkerDefinition; document: unknown; createdAt: string; createdBy: string | null }>();
  const heads = new Map<string, { status: WorkerStatus; version: number; liveVersion: number | null; updatedAt: string; updatedBy: string | null }>();
  let live = new Map<string, LiveWorker>();
  let settings: GuardrailSettings = { ...deps.config.muscle.guardrails };
  const pollMs = opts.pollMs ?? 250;
  const sweepMs = opts.sweepMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let lastSweep = 0;
  const unsub: Array<() => void> = [];

  async function definition(id: string, version: number): Promise<WorkerDefinition | undefined> {
    const k = `${id}@${version}`;
    const hit = defs.get(k);
    if (hit) return hit.def;
    const v = await loadVersion(db, id, version);
    if (!v) return undefined;
    const def = parseWorkerDefinition(v.document);
    defs.set(k, { def, document: v.document, createdAt: v.createdAt, createdBy: v.createdBy });
    return def;
  }
  async function refreshLive(): Promise<void> {
    const next = new Map<string, LiveWorker>();
    for (const [id, h] of heads) {
      // New journeys start on the live version: a newer one held for approval waits (docs/governance.md).
      if (h.status !== 'on' || h.liveVersion === null) continue;
      const def = await definition(id, h.liveVersion);
      if (def) next.set(id, { def, version: h.liveVersion });
    }
    live = next;
  }
  async function reload(): Promise<void> {
    heads.clear();
    for (const row of await loadWorkers(db)) heads.set(row.id, { status: row.status, version: row.version, liveVersion: row.liveVersion, updatedAt: row.updatedAt, updatedBy: row.updatedBy });
    await refreshLive();
  }

  const uplift = createUpliftTrainer(deps);
  const engine: Engine = createEngine(deps, w, { live: () => live, definition, settings: () => settings, upliftModel: uplift.model });

  // An accepted version goes live: journeys entering from now on start on it. A rejected sampled
  // version (live since it was saved) is taken off: new journeys start on the previous live
  // version (or none), and the journeys running it end (exit reason version_rejected).
  w.approvals?.register('worker', {
    publish: async (item) => { await setLiveVersion(db, item.subjectId, item.version); await reload(); },
    unpublish: async (item, fallback) => {
      await fallBackLiveVersion(db, item.subjectId, item.version, fallback?.item.version ?? null);
      await reload();
      await engine.idle();
      await exitVersionInstances(db, item.subjectId, item.version, 'version_rejected', deps.clock.now());
    },
  });
  const triggers = createTriggers(deps, w, (entries) => engine.enterNow(entries));

  async function record(id: string): Promise<WorkerRecord> {
    const h = heads.get(id);
    if (!h) throw notFound(`Worker ${id}`);
    await definition(id, h.version);
    const d = defs.get(`${id}@${h.version}`)!;
    return { id, status: h.status, version: h.version, liveVersion: h.liveVersion, definition: d.document as WorkerDefinition, createdAt: d.createdAt, updatedAt: h.updatedAt, updatedBy: h.updatedBy };
  }

  async function loop(): Promise<void> {
    if (!running) return;
    let backlog = false;
    try {
      // A pass that took its full share of due journeys leaves more behind: go on at once.
      backlog = (await engine.runDue()) >= DUE_PER_PASS;
      if (deps.clock.now() - lastSweep >= sweepMs || lastSweep === 0) {
        lastSweep = deps.clock.now();
        await engine.exclusive(() => triggers.sweep(live));
        if ([...live.values()].some((l) => l.def.entry.uplift)) { await uplift.load(); void uplift.trainDue(live); }
      }
    } catch (err) {
      deps.log.error({ err }, 'workers: loop failed');
    }
    if (running) timer = setTimeout(() => void loop(), backlog ? 0 : pollMs);
  }

  return {
    engine,
    async start(): Promise<void> {
      const r = await db.query<{ settings: GuardrailSettings }>(`select settings from guardrail_settings where id = 1`);
      if (r.rows[0]) settings = { ...settings, ...r.rows[0].settings };
      await reload();
      await uplift.load();
      if (w.catalog) { await w.catalog.ready(); triggers.primeCatalog(); }
      unsub.push(w.profiles.projector.onApplied((batch: AppliedBatch) => {
        void engine.applyBatch(batch);
        if (batch.profiles.length > 0 && [...live.values()].some((l) => l.def.trigger.type === 'segment')) void engine.exclusive(() => triggers.onProfiles(live, batch.profiles));
      }));
      unsub.push(w.consent.onChange((ids) => { if (ids !== 'all') void engine.exitWithoutConsent(ids); }));
      if (w.catalog) unsub.push(w.catalog.onUpdate((ids) => { void engine.exclusive(() => triggers.onCatalog(live, ids)); }));
      running = true;
      timer = setTimeout(() => void loop(), 0);
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      for (const u of unsub.splice(0)) u();
      await engine.idle();
    },
    /** Runs due timers now (tests and the simulator, after moving the clock). */
    tick: () => engine.runDue(),
    sweep: () => engine.exclusive(() => triggers.sweep(live)),
    idle: () => engine.idle(),
    list: async (): Promise<WorkerRecord[]> => Promise.all([...heads.keys()].sort().map(record)),
    get: record,
    versions: async (id: string) => { if (!heads.has(id)) throw notFound(`Worker ${id}`); return listVersions(db, id); },
    async version(id: string, version: number): Promise<unknown> {
      const v = await loadVersion(db, id, version);
      if (!v) throw notFound(`Worker ${id} version ${version}`);
      return v.document;
    },
    /**
     * Creates or updates a worker from a document; a changed document is a new version. With
     * approvals, a new version is submitted for its risk tier: low goes live at once, medium and
     * high wait (journeys keep starting on the previous live version, or none) until accepted.
     * `by`: the principal asking (a plain string or null = Braid itself, not queued).
     */
    async apply(document: unknown, by: Principal | string | null = null, expectId?: string): Promise<WorkerRecord & { created: boolean; approval?: WorkerApproval | undefined }> {
      const principal = typeof by === 'object' && by !== null ? by : undefined;
      const byId: string | null = principal ? principal.id : typeof by === 'string' ? by : null;
      const obj = toObject(document);
      const def = parseWorkerDefinition(obj);
      if (expectId !== undefined && def.id !== expectId) throw invalid('id', `must equal the path id "${expectId}"`);
      const { status: rawStatus, ...stored } = obj as Record<string, unknown>;
      const status = rawStatus === undefined ? undefined : parseStatus(rawStatus);
      const res = await saveVersion(db, def.id, stored, status, new Date(deps.clock.now()), byId);
      let submission: Submission | undefined;
      if (res.created && w.approvals) {
        submission = await w.approvals.submit({
          kind: 'worker', subjectId: def.id, version: res.version, facts: workerFacts(def, w.incentivePlacement), document: stored, by: principal,
          audience: (stopAbove) => estimateAudience(def, deps, w, stopAbove),
        });
      }
      if (res.created && (!submission || submission.live)) await setLiveVersion(db, def.id, res.version);
      await reload();
      if (status && status !== 'on') await exitWorkerInstances(db, def.id, status === 'paused' ? 'worker_paused' : 'worker_off', deps.clock.now());
      const out = { ...(await record(def.id)), created: res.created, approval: submission && workerApproval(submission) };
      if (res.created) await w.audit?.append([{ actor: actorOf(by), action: 'worker.version', subjectType: 'worker', subjectId: def.id, data: { version: res.version, status: out.status, riskTier: def.riskTier, owner: def.owner, document: stored } }]);
      return out;
    },
    async setStatus(id: string, status: WorkerStatus, by: Principal | string | null = null): Promise<WorkerRecord & { exited: number }> {
      if (!heads.has(id)) throw notFound(`Worker ${id}`);
      await setStatus(db, id, status, new Date(deps.clock.now()), typeof by === 'object' && by !== null ? by.id : by);
      await reload();
      const exited = status === 'on' ? 0 : await engine.idle().then(() => exitWorkerInstances(db, id, status === 'paused' ? 'worker_paused' : 'worker_off', deps.clock.now()));
      await w.audit?.append([{ actor: actorOf(by), action: 'worker.status', subjectType: 'worker', subjectId: id, data: { status, exited } }]);
      return { ...(await record(id)), exited };
    },
    async remove(id: string, by?: Principal): Promise<void> {
      if (!heads.has(id)) throw notFound(`Worker ${id}`);
      await exitWorkerInstances(db, id, 'worker_deleted', deps.clock.now());
      await deleteWorker(db, id);
      await reload();
      await w.approvals?.retire('worker', id, by);
      await w.audit?.append([{ actor: actorOf(by ?? null), action: 'worker.delete', subjectType: 'worker', subjectId: id }]);
    },
    instances: (f: { workerId?: string; profileId?: string; state?: string; step?: number | undefined; after?: { enteredAt: number; id: string }; limit: number }): Promise<Instance[]> => listInstances(db, f),
    waitingByStep: (workerId: string) => waitingByStep(db, workerId),
    async instance(id: string): Promise<Instance> {
      const i = await getInstance(db, id);
      if (!i) throw notFound(`Instance ${id}`);
      return i;
    },
    counts: (workerId?: string) => countInstances(db, workerId),
    guardrails: (): GuardrailSettings => settings,
    /** Validates and stores new guardrails; audited as guardrails.update by `by` (the API caller). */
    async setGuardrails(input: unknown, by: Principal | string | null = null): Promise<GuardrailSettings> {
      const next = parseGuardrails(input, settings);
      await db.query(`insert into guardrail_settings (id, settings, updated_at) values (1, $1, $2) on conflict (id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
        [JSON.stringify(next), new Date(deps.clock.now())]);
      settings = next;
      await w.audit?.append([{
        actor: actorOf(by), action: 'guardrails.update', subjectType: 'guardrails', subjectId: 'global',
        data: { ...next, ...(by && typeof by === 'object' ? { principal: { id: by.id, name: by.name, role: by.role } } : {}) },
      }]);
      return settings;
    },
    /** Trains the worker's uplift model now (entry.uplift of its live version, else its newest). */
    async trainUplift(id: string): Promise<TrainResult> {
      const h = heads.get(id);
      if (!h) throw notFound(`Worker ${id}`);
      const def = await definition(id, h.liveVersion ?? h.version);
      if (!def?.entry.uplift) throw invalid('entry.uplift', `worker ${id} has no uplift targeting (entry.uplift)`);
      return uplift.train(id, def.entry.uplift);
    },
    /** The worker's uplift targeting: its spec, current model (with its evaluation) and how journeys were admitted. */
    async upliftStatus(id: string, sinceMs: number) {
      const h = heads.get(id);
      if (!h) throw notFound(`Worker ${id}`);
      const def = await definition(id, h.liveVersion ?? h.version);
      return { spec: def?.entry.uplift ?? null, model: uplift.model(id) ?? null, admissions: await upliftAdmissions(db, id, sinceMs) };
    },
    playbooks: () => PLAYBOOKS,
    async installPlaybook(name: string, overrides: Record<string, unknown> = {}, by: Principal | string | null = null) {
      const pb = PLAYBOOKS.find((p) => p.playbook === name);
      if (!pb) throw notFound(`Playbook ${name}`);
      return this.apply({ ...pb, ...overrides }, by);
    },
  };
}

export type WorkersService = ReturnType<typeof createWorkers>;

/** Where a submitted worker version stands (docs/governance.md), with the audience its tier was computed from. */
export interface WorkerApproval {
  id: string; version: number; tier: string; status: string; queue: string | null; held: boolean; reasons: Array<{ code: string; tier: string; message: string }>;
  audience: AudienceEstimate | null;
}
const workerApproval = (s: Submission): WorkerApproval => ({
  id: s.item.id, version: s.item.version, tier: s.item.tier, status: s.item.status, queue: s.item.queue, held: !s.live, reasons: s.item.reasons, audience: s.audience ?? null,
});

/** The audit log's actor: `key:…` / `user:…` for a principal (as the other modules write it), a given name as is, else `api`. */
function actorOf(by: Principal | string | null): string {
  if (by === null) return 'api';
  return typeof by === 'string' ? by : `${by.kind}:${by.id}`;
}

function parseStatus(v: unknown): WorkerStatus {
  if (typeof v !== 'string' || !(WORKER_STATUSES as readonly string[]).includes(v)) throw invalid('status', `must be one of ${WORKER_STATUSES.join(', ')}`);
  return v as WorkerStatus;
}
/** JSON or YAML text to the object it describes (JSON is YAML). */
function toObject(document: unknown): unknown {
  if (typeof document !== 'string') return document;
  try { return parseYaml(document); } catch (err) { throw invalid('body', `is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`); }
}
