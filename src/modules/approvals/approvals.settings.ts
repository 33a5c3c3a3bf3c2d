/**
 * Governance settings as pure functions: the environment gives the defaults (config.governance),
 * an admin overrides single fields through the API (PUT /v1/governance/settings), and the
 * effective value of each field is the override when there is one. Overrides are stored as a
 * partial object (governance_settings, migration 0090), so a field never overridden keeps
 * following the environment. No I/O here.
 */
import { GOVERNANCE_LIMITS, invalid, type GovernanceConfig } from '../../core/index.ts';

export type GovernanceSettings = GovernanceConfig;
export const SETTING_FIELDS = ['approvals', 'maxAutoDiscountPct', 'maxAutoAudience', 'samplePct'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];
export type Overrides = Partial<GovernanceSettings>;
/** A PUT body: each field a new value, or null to return it to the environment's default. */
export type SettingsPatch = { [K in SettingField]?: GovernanceSettings[K] | null };

/** What GET and PUT answer: the effective settings, where each comes from, and the last change. */
export interface SettingsView {
  settings: GovernanceSettings;
  /** The environment's values (BRAID_APPROVALS, BRAID_APPROVAL_*). */
  defaults: GovernanceSettings;
  /** Fields set through the API (the others follow the environment). */
  overridden: SettingField[];
  updatedAt: string | null;
  updatedBy: { id: string; name: string } | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkValue(field: SettingField, v: unknown): GovernanceSettings[SettingField] {
  if (field === 'approvals') {
    if (typeof v !== 'boolean') throw invalid(field, 'must be true or false (or null for the environment default)');
    return v;
  }
  const l = GOVERNANCE_LIMITS[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < l.min || v > l.max || (l.integer && !Number.isInteger(v))) {
    throw invalid(field, `must be ${l.integer ? 'an integer' : 'a number'} from ${l.min} to ${l.max} (or null for the environment default)`);
  }
  return v;
}

/** Validates a PUT body; every problem is a 400 naming the field. */
export function parseSettingsPatch(input: unknown): SettingsPatch {
  if (!isObj(input)) throw invalid('body', `must be an object with any of ${SETTING_FIELDS.join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(SETTING_FIELDS as readonly string[]).includes(k)) throw invalid(k, `is not a governance setting (known: ${SETTING_FIELDS.join(', ')})`);
    out[k] = v === null ? null : checkValue(k as SettingField, v);
  }
  if (Object.keys(out).length === 0) throw invalid('body', `must set at least one of ${SETTING_FIELDS.join(', ')}`);
  return out as SettingsPatch;
}

/** Stored overrides, keeping only valid fields (a value stored by an older Braid with other limits is dropped, not trusted). */
export function cleanOverrides(stored: unknown): Overrides {
  if (!isObj(stored)) return {};
  const out: Record<string, unknown> = {};
  for (const f of SETTING_FIELDS) {
    if (stored[f] === undefined || stored[f] === null) continue;
    try { out[f] = checkValue(f, stored[f]); } catch { /* dropped: the environment's value applies */ }
  }
  return out as Overrides;
}

export function applyPatch(overrides: Overrides, patch: SettingsPatch): Overrides {
  const out: Record<string, unknown> = { ...overrides };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as Overrides;
}

export const effective = (defaults: GovernanceSettings, overrides: Overrides): GovernanceSettings => ({ ...defaults, ...overrides });

/** The fields whose effective value differs, as { field: { from, to } }. */
export function changesOf(before: GovernanceSettings, after: GovernanceSettings): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of SETTING_FIELDS) if (before[f] !== after[f]) out[f] = { from: before[f], to: after[f] };
  return out;
}
