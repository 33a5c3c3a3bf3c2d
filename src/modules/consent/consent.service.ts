/**
 * The consent ledger's service: validation and orchestration over consent.store (SQL) and
 * consent.policy (pure rules). Time comes only from deps.clock; ids are time-ordered `cns_…`.
 */
import { invalid, isPlainObject, isoNow, newId, parseTimestamp, type CoreDeps, type Queryable } from '../../core/index.ts';
import { ANY, BUILTIN_RULES, decide, normalizeCountry, normalizeJurisdiction, resolveStatuses, type PriorState } from './consent.policy.ts';
import {
  insertRecords, latestRecords, listHistory, pageHistory, listOverrides, loadCheck, loadChecks, loadContext, priorStates, reassignRecords,
  replaceOverrides, upsertSubject, type PriorQuery,
} from './consent.store.ts';
import {
  CONSENT_STATUSES, STANDARD_PURPOSES, isValidPurpose,
  type ConsentDecision, type ConsentInput, type ConsentRecord, type ConsentService, type ConsentStatus,
  type PolicyRule, type PolicyView, type UpdateOptions,
} from './consent.types.ts';

const MAX_SOURCE = 100;
/** API-supplied evidence is kept forever with every record; bound it. */
const MAX_EVIDENCE = 16 * 1024;

/** Validated and normalized input; `at` as epoch ms and canonical ISO. */
interface Checked { input: ConsentInput; atMs: number; at: string; jurisdiction: string | undefined }

function checkInput(x: ConsentInput, i: number): Checked {
  const f = (name: string) => `inputs[${i}].${name}`;
  if (typeof x.profileId !== 'string' || x.profileId.length === 0) throw invalid(f('profileId'), 'is required');
  if (!isValidPurpose(x.purpose)) throw invalid(f('purpose'), 'must match ^[a-z][a-z0-9_]{1,63}$');
  if (typeof x.status !== 'boolean' && !CONSENT_STATUSES.includes(x.status)) throw invalid(f('status'), 'must be granted, denied, revoked, true or false');
  const atMs = parseTimestamp(x.at);
  if (atMs === undefined) throw invalid(f('at'), 'must be an ISO-8601 timestamp');
  if (typeof x.source !== 'string' || x.source.length === 0 || x.source.length > MAX_SOURCE) throw invalid(f('source'), `must be 1 to ${MAX_SOURCE} characters`);
  if (!isPlainObject(x.evidence)) throw invalid(f('evidence'), 'must be an object');
  return { input: x, atMs, at: new Date(atMs).toISOString(), jurisdiction: x.jurisdiction === undefined ? undefined : normalizeCountry(x.jurisdiction) };
}

/** n fresh ids in ascending order, so ties of (at, recorded_at) within one call go to the later input. */
function orderedIds(n: number, deps: CoreDeps): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(newId('cns', deps.clock));
  return ids.sort();
}

/** Throws the 400 a check with these arguments deserves, naming `purpose` or `jurisdiction`. */
export function validateCheck(purpose: string, jurisdiction?: string): void {
  if (!isValidPurpose(purpose)) throw invalid('purpose', 'must match ^[a-z][a-z0-9_]{1,63}$');
  validateJurisdiction(jurisdiction);
}

export function validateJurisdiction(jurisdiction: string | undefined): void {
  if (jurisdiction !== undefined) effectiveJurisdiction(jurisdiction, undefined);
}

/** Throws the 400 an update deserves, naming the body field (`purposes.<name>`, `at`, ...). */
export function validateUpdate(purposes: Record<string, ConsentStatus | boolean>, opts: UpdateOptions = {}): void {
  const entries = Object.entries(purposes);
  if (entries.length === 0) throw invalid('purposes', 'must name at least one purpose');
  for (const [purpose, status] of entries) {
    if (!isValidPurpose(purpose)) throw invalid(`purposes.${purpose}`, 'is not a valid purpose name (^[a-z][a-z0-9_]{1,63}$)');
    if (typeof status !== 'boolean' && !CONSENT_STATUSES.includes(status)) throw invalid(`purposes.${purpose}`, 'must be granted, denied, revoked, true or false');
  }
  if (opts.at !== undefined && parseTimestamp(opts.at) === undefined) throw invalid('at', 'must be an ISO-8601 timestamp');
  if (opts.source !== undefined && (opts.source.length === 0 || opts.source.length > MAX_SOURCE)) throw invalid('source', `must be 1 to ${MAX_SOURCE} characters`);
  if (opts.evidence !== undefined) {
    if (!isPlainObject(opts.evidence)) throw invalid('evidence', 'must be an object');
    if (JSON.stringify(opts.evidence).length > MAX_EVIDENCE) throw invalid('evidence', `must be at most ${MAX_EVIDENCE} bytes as JSON`);
  }
}

/** The jurisdiction a decision is made for: the explicit one wins, then the profile's, else '*'. */
function effectiveJurisdiction(explicit: string | undefined, subject: string | undefined): string {
  if (explicit !== undefined) {
    const j = normalizeJurisdiction(explicit);
    if (!j) throw invalid('jurisdiction', 'must be an ISO 3166 alpha-2 country code, EU or *');
    return j;
  }
  return subject ?? ANY;
}

export function createConsent(deps: CoreDeps): ConsentService {
  const { db } = deps;
  const listeners = new Set<(ids: string[] | 'all') => void>();
  const changed = (ids: string[] | 'all') => { for (const l of listeners) { try { l(ids); } catch (e) { deps.log.error({ err: e }, 'consent listener failed'); } } };

  async function record(inputs: ConsentInput[], tx?: Queryable): Promise<ConsentRecord[]> {
    if (inputs.length === 0) return [];
    const checked = inputs.map(checkInput);
    const q = tx ?? db;
    const key = (c: Checked) => `${c.input.profileId}\u0000${c.input.purpose}`;

    // Only boolean inputs need the stored state; explicit statuses are taken as given.
    const needPrior = checked.map((c, i) => (typeof c.input.status === 'boolean' ? i : -1)).filter((i) => i >= 0);
    const prior: Array<PriorState | undefined> = checked.map(() => undefined);
    if (needPrior.length > 0) {
      const qs: PriorQuery[] = needPrior.map((i) => ({ profileId: checked[i]!.input.profileId, purpose: checked[i]!.input.purpose, at: checked[i]!.at }));
      const found = await priorStates(q, qs);
      needPrior.forEach((i, k) => { prior[i] = found[k]; });
    }
    const statuses = resolveStatuses(checked.map((c) => ({ key: key(c), atMs: c.atMs, value: c.input.status })), prior);

    const recordedAt = isoNow(deps.clock);
    const ids = orderedIds(checked.length, deps);
    const records = checked.map((c, i): ConsentRecord => {
      const r: ConsentRecord = {
        id: ids[i]!, profileId: c.input.profileId, purpose: c.input.purpose, status: statuses[i]!,
        at: c.at, recordedAt, source: c.input.source, evidence: c.input.evidence,
      };
      if (c.jurisdiction) r.jurisdiction = c.jurisdiction;
      return r;
    });
    await insertRecords(q, records);
    changed([...new Set(records.map((r) => r.profileId))]);
    return records;
  }

  async function reassign(fromProfileId: string, toProfileId: string, tx?: Queryable): Promise<void> {
    if (fromProfileId === toProfileId) return;
    await reassignRecords(tx ?? db, fromProfileId, toProfileId);
    changed([fromProfileId, toProfileId]);
  }

  async function setJurisdiction(profileId: string, country: string, tx?: Queryable): Promise<void> {
    // Traits are user data: a value we cannot read as a country must not fail the projection.
    const code = normalizeCountry(country);
    if (!code) return;
    await upsertSubject(tx ?? db, profileId, code, isoNow(deps.clock));
    changed([profileId]);
  }

  async function check(profileId: string, purpose: string, opts: { jurisdiction?: string } = {}): Promise<ConsentDecision> {
    validateCheck(purpose, opts.jurisdiction);
    const c = await loadCheck(db, profileId, purpose);
    return decide(purpose, effectiveJurisdiction(opts.jurisdiction, c.subjectJurisdiction), c.record, c.overrides);
  }

  async function checkMany(pairs: ReadonlyArray<{ profileId: string; purpose: string }>): Promise<ConsentDecision[]> {
    pairs.forEach((p) => validateCheck(p.purpose, undefined));
    const { inputs, overrides } = await loadChecks(db, pairs);
    return pairs.map((p, i) => decide(p.purpose, effectiveJurisdiction(undefined, inputs[i]!.subjectJurisdiction), inputs[i]!.record,
      overrides.filter((o) => o.purpose === p.purpose || o.purpose === ANY)));
  }

  async function current(profileId: string, opts: { jurisdiction?: string } = {}): Promise<Record<string, ConsentDecision>> {
    validateJurisdiction(opts.jurisdiction); // fail before querying
    const latest = await latestRecords(db, profileId);
    const ctx = await loadContext(db, profileId);
    const jurisdiction = effectiveJurisdiction(opts.jurisdiction, ctx.subjectJurisdiction);
    const byPurpose = new Map(latest.map((r) => [r.purpose, r]));
    const purposes = [...new Set([...STANDARD_PURPOSES, ...[...byPurpose.keys()].sort()])];
    const out: Record<string, ConsentDecision> = {};
    for (const p of purposes) out[p] = decide(p, jurisdiction, byPurpose.get(p), ctx.overrides);
    return out;
  }

  async function update(profileId: string, purposes: Record<string, ConsentStatus | boolean>, opts: UpdateOptions = {}): Promise<Record<string, ConsentDecision>> {
    validateUpdate(purposes, opts);
    const at = opts.at !== undefined ? new Date(parseTimestamp(opts.at)!).toISOString() : isoNow(deps.clock);
    const source = opts.source ?? 'api';
    const evidence = opts.evidence ?? {};
    await record(Object.entries(purposes).map(([purpose, status]) => ({ profileId, purpose, status, at, source, evidence })));
    return current(profileId);
  }

  async function policy(): Promise<PolicyView> {
    return { rules: await listOverrides(db), builtin: BUILTIN_RULES.map((r) => ({ ...r })) };
  }

  async function setPolicy(rules: PolicyRule[]): Promise<PolicyView> {
    const seen = new Map<string, number>();
    const normalized = rules.map((r, i): PolicyRule => {
      const jurisdiction = normalizeJurisdiction(r.jurisdiction);
      if (!jurisdiction) throw invalid(`rules[${i}].jurisdiction`, 'must be an ISO 3166 alpha-2 country code, EU or *');
      if (r.purpose !== ANY && !isValidPurpose(r.purpose)) throw invalid(`rules[${i}].purpose`, 'must match ^[a-z][a-z0-9_]{1,63}$ or be *');
      if (r.mode !== 'opt_in' && r.mode !== 'opt_out') throw invalid(`rules[${i}].mode`, 'must be opt_in or opt_out');
      const k = `${jurisdiction}\u0000${r.purpose}`;
      const dup = seen.get(k);
      if (dup !== undefined) throw invalid(`rules[${i}]`, `repeats rules[${dup}] (${jurisdiction}, ${r.purpose})`);
      seen.set(k, i);
      return { jurisdiction, purpose: r.purpose, mode: r.mode };
    });
    const at = isoNow(deps.clock);
    await db.transaction((tx) => replaceOverrides(tx, normalized, at));
    changed('all');
    return policy();
  }

  return {
    record, reassign, setJurisdiction, check, checkMany, current, update,
    onChange(listener) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    history: (profileId) => listHistory(db, profileId),
    historyPage: (profileId, q) => pageHistory(db, profileId, q),
    policy, setPolicy,
  };
}
