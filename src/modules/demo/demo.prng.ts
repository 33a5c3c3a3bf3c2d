/**
 * A tiny seeded PRNG (mulberry32) and the sampling helpers the demo generator needs. Math.random
 * is never used: the demo store must be byte-identical for the same seed and `now`.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A new independent stream, so adding draws in one part of the simulation does not reshuffle another. */
  fork(salt: number): Rng;
  /** 32 hex chars shaped like a v4 UUID. */
  uuid(): string;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed with a salt (splitmix-style) so forked streams do not overlap. */
function mix(seed: number, salt: number): number {
  let z = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items) => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [v, w] of items) { r -= w; if (r < 0) return v; }
      return items[items.length - 1]![0];
    },
    fork: (salt) => createRng(mix(seed, salt)),
    uuid: () => {
      let hex = '';
      for (let i = 0; i < 4; i++) hex += Math.floor(next() * 4294967296).toString(16).padStart(8, '0');
      const variant = '89ab'[parseInt(hex[16]!, 16) % 4]!;
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
  return rng;
}

/** Sampler over a fixed list with fixed weights: O(log n) per draw via a cumulative table. */
export function weightedSampler<T>(items: readonly T[], weights: readonly number[]): (rng: Rng) => T {
  if (items.length === 0) throw new Error('sampler over an empty list');
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) { total += w; cum.push(total); }
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid; else lo = mid + 1;
    }
    return items[lo]!;
  };
}

/** Rounds a price to a retail ending (x.99, x.95 or x.00 above $20). */
export function retailPrice(raw: number, rng: Rng): number {
  if (raw < 20) return Math.max(0.99, Math.floor(raw) + rng.pick([0.49, 0.99, 0.99]));
  return Math.floor(raw) + rng.pick([0, 0.95, 0.99, 0.99]);
}

export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}
