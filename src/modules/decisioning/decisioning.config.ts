/**
 * Placements, page/reassurance actions and creatives: defaults in code, overridden or extended by
 * rows written over the API, all served from memory. `reload()` re-reads the shared rows (other
 * processes); `version()` is a short hash of everything that shapes decisions, stamped on each.
 */
import { createHash } from 'node:crypto';
import { compileValidator, notFound, type CoreDeps } from '../../core/index.ts';
import { DEFAULT_ACTIONS, DEFAULT_PLACEMENTS } from './decisioning.defaults.ts';
import { ActionDefSchema, CreativeSchema, PlacementSchema } from './decisioning.schemas.ts';
import type { ActionDef, CampaignPromise, PlacementDef } from './decisioning.types.ts';

export interface Creative extends CampaignPromise { id: string; name: string }

const TABLES = { placement: 'placements', action: 'decision_actions', creative: 'creatives' } as const;
type Kind = keyof typeof TABLES;

export const validatePlacement = compileValidator<PlacementDef>(PlacementSchema, 'placement');
export const validateAction = compileValidator<ActionDef>(ActionDefSchema, 'action');
export const validateCreative = compileValidator<Creative>(CreativeSchema, 'creative');

export interface DecisionConfig {
  ready(): Promise<void>;
  placement(id: string): PlacementDef | undefined;
  placements(): PlacementDef[];
  actions(): ActionDef[];
  creative(id: string): Creative | undefined;
  creatives(): Creative[];
  put(kind: Kind, value: unknown): Promise<PlacementDef | ActionDef | Creative>;
  remove(kind: Kind, id: string): Promise<void>;
  version(): string;
  reload(): Promise<void>;
}

export function createDecisionConfig(deps: CoreDeps): DecisionConfig {
  let placements = new Map<string, PlacementDef>();
  let actions = new Map<string, ActionDef>();
  let creatives = new Map<string, Creative>();
  let version = '';
  let actionList: ActionDef[] = [];
  const stamp = (policy: unknown = '') => {
    actionList = [...actions.values()];
    version = 'pol_' + createHash('sha256').update(JSON.stringify([[...placements.values()], [...actions.values()], policy])).digest('hex').slice(0, 12);
  };

  async function reload(): Promise<void> {
    const read = async (t: string) => (await deps.db.query<{ def: unknown }>(`select def from ${t} order by id`)).rows.map((r) => r.def);
    const [p, a, c] = await Promise.all([read(TABLES.placement), read(TABLES.action), read(TABLES.creative)]);
    const np = new Map(DEFAULT_PLACEMENTS.map((x) => [x.id, x]));
    for (const d of p) { const v = validatePlacement(d); np.set(v.id, v); }
    const na = new Map(DEFAULT_ACTIONS.map((x) => [x.id, x]));
    for (const d of a) { const v = validateAction(d); na.set(v.id, v); }
    const nc = new Map<string, Creative>();
    for (const d of c) { const v = validateCreative(d); nc.set(v.id, v); }
    placements = np; actions = na; creatives = nc;
    stamp();
  }
  const loaded = reload();

  return {
    ready: () => loaded,
    placement: (id) => placements.get(id),
    placements: () => [...placements.values()],
    actions: () => actionList,
    creative: (id) => creatives.get(id),
    creatives: () => [...creatives.values()],
    async put(kind, value) {
      const v = kind === 'placement' ? validatePlacement(value) : kind === 'action' ? validateAction(value) : validateCreative(value);
      await deps.db.query(`insert into ${TABLES[kind]} (id, def, updated_at) values ($1, $2, $3)
        on conflict (id) do update set def = excluded.def, updated_at = excluded.updated_at`, [v.id, JSON.stringify(v), new Date(deps.clock.now()).toISOString()]);
      if (kind === 'placement') placements.set(v.id, v as PlacementDef);
      else if (kind === 'action') actions.set(v.id, v as ActionDef);
      else creatives.set(v.id, v as Creative);
      stamp();
      return v;
    },
    async remove(kind, id) {
      const r = await deps.db.query(`delete from ${TABLES[kind]} where id = $1`, [id]);
      if (r.affectedRows === 0) throw notFound(`${kind} ${id} (built-in defaults cannot be deleted, only overridden)`);
      await reload();
    },
    version: () => version,
    reload,
  };
}
