/**
 * The bounded in-memory cache behind peek(): per profile the inputs, declared preferences and the
 * last evaluation. Least-recently-used entries go first. Memory is a cache, the database is the
 * truth: an entry older than RELOAD_MS is reloaded in the background.
 */
import type { TraitInputs, Evaluation } from './traits.compute.ts';
import type { DeclaredPreference } from './traits.preferences.ts';

export interface CacheEntry {
  inputs: TraitInputs;
  declared: DeclaredPreference[];
  evaluation: Evaluation;
  /** Clock time of the evaluation, and of loading the inputs. */
  evaluatedAt: number;
  loadedAt: number;
  modelVersion: number;
}

/** Re-evaluate (pure, in place) after this long: recency, P(alive) and due dates move with time. */
export const REEVALUATE_MS = 5 * 60_000;
/** Reload inputs after this long (another process may have applied newer events). */
export const RELOAD_MS = 10 * 60_000;

export class TraitsCache {
  private readonly map = new Map<string, CacheEntry>();
  constructor(private readonly max: number) {}

  get(id: string): CacheEntry | undefined {
    const e = this.map.get(id);
    if (e) { this.map.delete(id); this.map.set(id, e); }
    return e;
  }

  set(id: string, e: CacheEntry): void {
    this.map.delete(id);
    this.map.set(id, e);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  /**
   * For readers that loaded a stored row: never replaces an entry built from later events (the
   * live path may have written and cached a newer row while the read was in flight).
   */
  setUnlessNewer(id: string, e: CacheEntry): void {
    const cur = this.map.get(id);
    if (cur && cur.inputs.activity.lastSeq > e.inputs.activity.lastSeq) return;
    this.set(id, e);
  }

  delete(id: string): void { this.map.delete(id); }
  get size(): number { return this.map.size; }
}
