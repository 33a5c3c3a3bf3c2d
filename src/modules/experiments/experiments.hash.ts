/**
 * Deterministic assignment: a unit (profile id) lands in a bucket from a versioned, salted hash,
 * so the same shopper gets the same group on every restart and every node, with no state.
 *
 * bucket = first 8 bytes of sha256("<version>:<salt>:<unit>") as a fraction of 2^64, in [0, 1).
 * A new salt (or version) reshuffles everyone: bump it only when starting a new experiment.
 */
import { createHash } from 'node:crypto';

export const ASSIGNMENT_VERSION = 'v1';

export function hashBucket(unit: string, salt: string, version: string = ASSIGNMENT_VERSION): number {
  const h = createHash('sha256').update(`${version}:${salt}:${unit}`).digest();
  // 53 bits keep full double precision.
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

export interface Assignment {
  /** `control` = the persistent global holdout: non-personalized defaults, measured as the baseline. */
  group: 'control' | 'treatment';
  /** The arm within treatment when the experiment has arms, else 'default'. */
  variant: string;
  bucket: number;
  salt: string;
  version: string;
}

/** Global holdout: the lowest `pct`% of buckets are the control group. */
export function assignGlobal(profileId: string, salt: string, pct: number): Assignment {
  const bucket = hashBucket(profileId, salt);
  return { group: bucket < pct / 100 ? 'control' : 'treatment', variant: 'default', bucket, salt, version: ASSIGNMENT_VERSION };
}

/**
 * A worker's holdout: the same versioned hash, salted with the deployment's holdout salt AND the
 * worker id (`sha256("<version>:<salt>:worker:<worker id>:<profile id>")`), so it is stable across
 * restarts and nodes, differs between workers, and is independent of the global control group.
 * `version` is what a journey records (worker_instances.assignment) beside its arm.
 */
export function assignWorkerHoldout(profileId: string, salt: string, workerId: string, pct: number): { heldOut: boolean; bucket: number; version: string } {
  const bucket = hashBucket(profileId, `${salt}:worker:${workerId}`);
  return { heldOut: bucket < pct / 100, bucket, version: ASSIGNMENT_VERSION };
}

/**
 * One arm of A/B/n by weight (weights need not sum to 1). Independent of the global holdout
 * because the salt differs.
 */
export function assignArm(unit: string, salt: string, arms: ReadonlyArray<{ name: string; weight: number }>): string {
  const total = arms.reduce((s, a) => s + Math.max(0, a.weight), 0);
  if (arms.length === 0 || total <= 0) return 'default';
  let x = hashBucket(unit, salt) * total;
  for (const a of arms) {
    x -= Math.max(0, a.weight);
    if (x < 0) return a.name;
  }
  return arms[arms.length - 1]!.name;
}
