/**
 * Persistence of trained models (table rec_models, migration 0015). Only this module reads it.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Queryable } from '../../core/index.ts';
import { modelFromJson, modelToJson, type RecModel, type RecModelJson, type TrainStats } from './recommendations.train.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ModelMeta {
  version: string;
  trainedAt: string;
  dataSeq: number;
  stats: TrainStats;
  params: Record<string, unknown>;
  bytes: number;
}

/** Models kept; older rows are deleted when a new one is saved. */
const KEEP = 3;

export async function saveModel(db: Queryable, meta: Omit<ModelMeta, 'bytes'>, model: RecModel, createdAt: string): Promise<ModelMeta> {
  const body = await gzipAsync(Buffer.from(JSON.stringify(modelToJson(model))));
  await db.query(
    `insert into rec_models (version, trained_at, created_at, data_seq, stats, params, model) values ($1, $2, $3, $4, $5, $6, $7)`,
    [meta.version, meta.trainedAt, createdAt, meta.dataSeq, JSON.stringify(meta.stats), JSON.stringify(meta.params), body],
  );
  await db.query(`delete from rec_models where version not in (select version from rec_models order by trained_at desc, version desc limit ${KEEP})`);
  return { ...meta, bytes: body.length };
}

interface MetaRow { version: string; trained_at: Date; data_seq: number; stats: TrainStats; params: Record<string, unknown>; bytes: number }

const toMeta = (r: MetaRow): ModelMeta => ({ version: r.version, trainedAt: r.trained_at.toISOString(), dataSeq: Number(r.data_seq), stats: r.stats, params: r.params, bytes: Number(r.bytes) });

/** The newest model's metadata, without its body. */
export async function latestMeta(db: Queryable): Promise<ModelMeta | undefined> {
  const r = await db.query<MetaRow>(`select version, trained_at, data_seq, stats, params, octet_length(model) as bytes from rec_models order by trained_at desc, version desc limit 1`);
  return r.rows[0] ? toMeta(r.rows[0]) : undefined;
}

export async function loadModel(db: Queryable, version: string): Promise<RecModel | undefined> {
  const r = await db.query<{ model: Uint8Array }>(`select model from rec_models where version = $1`, [version]);
  if (!r.rows[0]) return undefined;
  return modelFromJson(JSON.parse((await gunzipAsync(r.rows[0].model)).toString('utf8')) as RecModelJson);
}
