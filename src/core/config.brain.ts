/**
 * Settings of the decision engine (the brain) read from the environment. Policy that marketers
 * change day to day (placements, offers, levers, budgets) lives in the database behind the API;
 * these are the operator's safety and privacy settings.
 */
export interface BrainConfig {
  /** An extra key that may call POST /v1/decide and nothing else (for storefronts). */
  decideKey: string | undefined;
  /** Share of profiles in the persistent global control group, in percent (0-50). */
  globalHoldoutPct: number;
  /** Salt of the holdout hash; changing it reshuffles everyone (bump only with a new version). */
  holdoutSalt: string;
  /** Trait keys (case-insensitive) that never reach a model or a rule. */
  sensitiveTraits: string[];
  /** An outcome counts for a decision when it happens within this many hours after it. */
  attributionWindowHours: number;
  /** The event whose orders reward decisions. */
  outcomeEvent: string;
  /** Exploration floor: the share of decisions chosen uniformly among eligible actions (0-0.5). */
  exploration: number;
  /** Cost of one message per channel (currency units), charged against contribution in the proof reports. */
  contactCosts: Record<string, number>;
}

export const DEFAULT_CONTACT_COSTS: Record<string, number> = { email: 0.001, sms: 0.0079, push: 0, webhook: 0, in_app: 0 };

export const BRAIN_KEYS = [
  'BRAID_DECIDE_KEY', 'BRAID_GLOBAL_HOLDOUT_PCT', 'BRAID_HOLDOUT_SALT', 'BRAID_SENSITIVE_TRAITS',
  'BRAID_ATTRIBUTION_WINDOW_HOURS', 'BRAID_OUTCOME_EVENT', 'BRAID_EXPLORATION', 'BRAID_CONTACT_COSTS',
] as const;

export const DEFAULT_SENSITIVE_TRAITS = [
  'health', 'medical', 'medical_condition', 'pregnancy', 'pregnant', 'religion', 'ethnicity', 'race',
  'sexual_orientation', 'gender_identity', 'political_views', 'politics', 'disability', 'union_membership',
  'biometric', 'genetic', 'criminal_record', 'ssn', 'national_id',
];

export function parseBrainConfig(str: (k: string) => string | undefined, problems: string[]): BrainConfig {
  const num = (k: string, def: number, min: number, max: number): number => {
    const raw = str(k);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) { problems.push(`${k} must be a number from ${min} to ${max}, got "${raw}"`); return def; }
    return n;
  };
  const decideKey = str('BRAID_DECIDE_KEY');
  if (decideKey !== undefined && (decideKey.length < 8 || /[\s:]/.test(decideKey))) problems.push('BRAID_DECIDE_KEY must be at least 8 characters with no spaces or colons');
  const rawSensitive = str('BRAID_SENSITIVE_TRAITS');
  const contactCosts = { ...DEFAULT_CONTACT_COSTS };
  for (const part of (str('BRAID_CONTACT_COSTS') ?? '').split(',').filter((x) => x.trim() !== '')) {
    const m = /^\s*([a-z_]+)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) { problems.push(`BRAID_CONTACT_COSTS must look like "email:0.001,sms:0.0079,push:0", bad part "${part}"`); continue; }
    contactCosts[m[1]!] = Number(m[2]);
  }
  return {
    decideKey,
    globalHoldoutPct: num('BRAID_GLOBAL_HOLDOUT_PCT', 5, 0, 50),
    holdoutSalt: str('BRAID_HOLDOUT_SALT') ?? 'braid-global-v1',
    sensitiveTraits: rawSensitive === undefined ? DEFAULT_SENSITIVE_TRAITS
      : rawSensitive.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0),
    attributionWindowHours: num('BRAID_ATTRIBUTION_WINDOW_HOURS', 168, 1, 24 * 90),
    outcomeEvent: str('BRAID_OUTCOME_EVENT') ?? 'Order Completed',
    exploration: num('BRAID_EXPLORATION', 0.05, 0, 0.5),
    contactCosts,
  };
}
