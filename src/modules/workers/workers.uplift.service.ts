/**
 * Trains and keeps the uplift models of workers with `entry.uplift`: in memory for the engine
 * (scored at every entry), in `worker_uplift_models` for every process. Each live targeted worker
 * is retrained every `retrain` of Braid's clock (an hour after a try that lacked data); other
 * processes pick new models up from the table on the same schedule.
 */
import type { CoreDeps } from '../../core/index.ts';
import { hashBucket } from '../experiments/index.ts';
import type { LiveWorker } from './workers.engine.ts';
import type { UpliftSpec } from './workers.types.ts';
import { trainUpliftModel, UPLIFT_FEATURE_SET, type UpliftModel } from './workers.uplift.ts';
import { loadUpliftModels, saveUpliftModel, upliftTrainingRows } from './workers.uplift.store.ts';

const HOUR = 3_600_000;
/** Training looks back this far and at most this many shoppers (the newest). */
export const UPLIFT_LOOKBACK_MS = 180 * 24 * HOUR;
export const UPLIFT_MAX_UNITS = 200_000;

export type TrainResult =
  | { trained: true; model: UpliftModel }
  | { trained: false; reason: string; train: { units: number; treated: number; control: number }; test: { units: number; treated: number; control: number } };

export function createUpliftTrainer(deps: CoreDeps) {
  const models = new Map<string, UpliftModel>();
  const lastTry = new Map<string, number>();
  let busy = false;
  const windowMs = deps.config.brain.attributionWindowHours * HOUR;

  async function train(workerId: string, spec: UpliftSpec): Promise<TrainResult> {
    const nowMs = deps.clock.now();
    lastTry.set(workerId, nowMs);
    const rows = await upliftTrainingRows(deps.db, {
      workerId, featureSet: UPLIFT_FEATURE_SET, sinceMs: nowMs - UPLIFT_LOOKBACK_MS, closedBeforeMs: nowMs, windowMs, limit: UPLIFT_MAX_UNITS,
    });
    // The train/test split is a hash of the profile id (salted per worker): stable between retrains.
    const out = trainUpliftModel(workerId, rows, spec, nowMs, (profileId) => hashBucket(profileId, `uplift-split:${workerId}`) < 0.5);
    if (!out.model) return { trained: false, reason: out.reason, train: out.train, test: out.test };
    await saveUpliftModel(deps.db, out.model);
    models.set(workerId, out.model);
    return { trained: true, model: out.model };
  }

  return {
    model: (workerId: string): UpliftModel | undefined => models.get(workerId),
    train,
    /** Reads every stored model (start-up, and to see models other processes trained). */
    async load(): Promise<void> {
      for (const m of await loadUpliftModels(deps.db)) {
        const cur = models.get(m.workerId);
        if (!cur || cur.trainedAt < m.trainedAt) models.set(m.workerId, m);
      }
    },
    /** Retrains the live targeted workers that are due; one pass at a time. */
    async trainDue(live: ReadonlyMap<string, LiveWorker>): Promise<void> {
      if (busy) return;
      busy = true;
      try {
        const nowMs = deps.clock.now();
        for (const { def } of live.values()) {
          const spec = def.entry.uplift;
          if (!spec) continue;
          const m = models.get(def.id);
          const tried = lastTry.get(def.id);
          const due = (!m || nowMs - m.trainedAt >= spec.retrainMs) && (tried === undefined || nowMs - tried >= Math.min(spec.retrainMs, HOUR));
          if (!due) continue;
          const r = await train(def.id, spec);
          if (!r.trained) deps.log.info({ worker: def.id, reason: r.reason }, 'workers: uplift model not trained yet');
        }
      } catch (err) {
        deps.log.error({ err }, 'workers: uplift training failed');
      } finally {
        busy = false;
      }
    },
  };
}

export type UpliftTrainer = ReturnType<typeof createUpliftTrainer>;
