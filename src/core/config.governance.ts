/**
 * Governance settings (risk tiers and the approval queue, src/modules/approvals) read from the
 * environment. The thresholds decide which versions need an approver; see docs/governance.md.
 * These are the defaults: an admin may override each one at run time through the settings API
 * (stored in the database, shared by every process).
 */
export interface GovernanceConfig {
  /** BRAID_APPROVALS: on = medium and high risk versions wait for an approver; off = everything publishes at once (tiers are still computed and audited). */
  approvals: boolean;
  /** BRAID_APPROVAL_MAX_AUTO_DISCOUNT_PCT: a stated or offered discount deeper than this (percent) is high risk. */
  maxAutoDiscountPct: number;
  /** BRAID_APPROVAL_MAX_AUTO_AUDIENCE: an audience larger than this many shoppers is medium risk. */
  maxAutoAudience: number;
  /** BRAID_APPROVAL_SAMPLE_PCT: share of low-risk versions queued for review after they publish. */
  samplePct: number;
}

export const GOVERNANCE_KEYS = [
  'BRAID_APPROVALS', 'BRAID_APPROVAL_MAX_AUTO_DISCOUNT_PCT', 'BRAID_APPROVAL_MAX_AUTO_AUDIENCE', 'BRAID_APPROVAL_SAMPLE_PCT',
] as const;

export const DEFAULT_GOVERNANCE: GovernanceConfig = { approvals: true, maxAutoDiscountPct: 20, maxAutoAudience: 10_000, samplePct: 5 };

/**
 * The allowed range of each numeric setting, shared by the environment parser here and the
 * settings API (GET/PUT /v1/governance/settings, src/modules/approvals), which overrides the
 * environment's values at run time.
 */
export const GOVERNANCE_LIMITS = {
  maxAutoDiscountPct: { min: 0, max: 100, integer: false },
  maxAutoAudience: { min: 0, max: 1_000_000_000, integer: true },
  samplePct: { min: 0, max: 100, integer: false },
} as const;

export function parseGovernanceConfig(str: (k: string) => string | undefined, problems: string[]): GovernanceConfig {
  const num = (k: string, def: number, min: number, max: number, integer = false): number => {
    const raw = str(k);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`${k} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  let approvals = DEFAULT_GOVERNANCE.approvals;
  const raw = str('BRAID_APPROVALS');
  if (raw !== undefined) {
    const v = raw.toLowerCase();
    if (['1', 'true', 'on', 'yes'].includes(v)) approvals = true;
    else if (['0', 'false', 'off', 'no'].includes(v)) approvals = false;
    else problems.push(`BRAID_APPROVALS must be on/off (or true/false, 1/0), got "${raw}"`);
  }
  const L = GOVERNANCE_LIMITS;
  return {
    approvals,
    maxAutoDiscountPct: num('BRAID_APPROVAL_MAX_AUTO_DISCOUNT_PCT', DEFAULT_GOVERNANCE.maxAutoDiscountPct, L.maxAutoDiscountPct.min, L.maxAutoDiscountPct.max),
    maxAutoAudience: num('BRAID_APPROVAL_MAX_AUTO_AUDIENCE', DEFAULT_GOVERNANCE.maxAutoAudience, L.maxAutoAudience.min, L.maxAutoAudience.max, L.maxAutoAudience.integer),
    samplePct: num('BRAID_APPROVAL_SAMPLE_PCT', DEFAULT_GOVERNANCE.samplePct, L.samplePct.min, L.samplePct.max),
  };
}
