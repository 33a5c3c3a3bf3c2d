/** Database I/O of the content module (tables in migrations/0025_content.sql). */
import type { Db } from '../../core/index.ts';
import type { VariantStats } from './content.assemble.ts';
import type { Block, BlockInput, ContentRules, Template, TemplateInput } from './content.types.ts';

type Row<T> = { def: T; created_at: Date; updated_at: Date };
const withTimes = <T>(r: Row<T>) => ({ ...r.def, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });

export async function loadBlocks(db: Db): Promise<Block[]> {
  return (await db.query<Row<BlockInput>>('select def, created_at, updated_at from content_blocks order by id')).rows.map(withTimes);
}

export async function loadTemplates(db: Db): Promise<Template[]> {
  return (await db.query<Row<TemplateInput>>('select def, created_at, updated_at from content_templates order by id')).rows.map(withTimes);
}

export async function loadRules(db: Db): Promise<unknown> {
  return (await db.query<{ rules: unknown }>('select rules from content_rules where id = 1')).rows[0]?.rules;
}

export async function loadStats(db: Db): Promise<Array<{ blockId: string; variant: string } & VariantStats>> {
  const r = await db.query<{ block_id: string; variant: string; trials: number; reward: number }>('select block_id, variant, trials, reward from content_variant_stats');
  return r.rows.map((x) => ({ blockId: x.block_id, variant: x.variant, trials: Number(x.trials), reward: Number(x.reward) }));
}

async function upsert(db: Db, table: 'content_blocks' | 'content_templates', id: string, def: object, now: string): Promise<{ createdAt: string; updatedAt: string }> {
  const r = await db.query<{ created_at: Date }>(`insert into ${table} (id, def, created_at, updated_at) values ($1, $2, $3, $3)
    on conflict (id) do update set def = excluded.def, updated_at = excluded.updated_at returning created_at`, [id, JSON.stringify(def), now]);
  return { createdAt: r.rows[0]!.created_at.toISOString(), updatedAt: now };
}

export const saveBlock = (db: Db, b: BlockInput, now: string) => upsert(db, 'content_blocks', b.id, b, now);
export const saveTemplate = (db: Db, t: TemplateInput, now: string) => upsert(db, 'content_templates', t.id, t, now);

export async function deleteRow(db: Db, table: 'content_blocks' | 'content_templates', id: string): Promise<boolean> {
  return (await db.query(`delete from ${table} where id = $1`, [id])).affectedRows > 0;
}

export async function saveRules(db: Db, rules: ContentRules, now: string): Promise<void> {
  await db.query(`insert into content_rules (id, rules, updated_at) values (1, $1, $2)
    on conflict (id) do update set rules = excluded.rules, updated_at = excluded.updated_at`, [JSON.stringify(rules), now]);
}

/**
 * Seeds rows when the table is empty (first start). `on conflict do nothing` keeps two processes
 * starting together from failing; the emptiness check means deleted defaults stay deleted while
 * anything else remains.
 */
export async function seedIfEmpty(db: Db, table: 'content_blocks' | 'content_templates', defs: ReadonlyArray<{ id: string }>, now: string): Promise<number> {
  const n = (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n ?? 0;
  if (n > 0 || defs.length === 0) return 0;
  const r = await db.query(`insert into ${table} (id, def, created_at, updated_at)
    select x.id, x.def, $2, $2 from jsonb_to_recordset($1::jsonb) as x(id text, def jsonb) on conflict (id) do nothing`,
  [JSON.stringify(defs.map((d) => ({ id: d.id, def: d }))), now]);
  return r.affectedRows;
}

/** Adds outcomes to the shared counts (additive, so several processes can record at once). */
export async function addStats(db: Db, rows: ReadonlyArray<{ blockId: string; variant: string; trials: number; reward: number }>, now: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`insert into content_variant_stats (block_id, variant, trials, reward, updated_at)
    select "blockId", variant, trials, reward, $2 from jsonb_to_recordset($1::jsonb) as x("blockId" text, variant text, trials bigint, reward double precision)
    on conflict (block_id, variant) do update set trials = content_variant_stats.trials + excluded.trials,
      reward = content_variant_stats.reward + excluded.reward, updated_at = excluded.updated_at`, [JSON.stringify(rows), now]);
}
