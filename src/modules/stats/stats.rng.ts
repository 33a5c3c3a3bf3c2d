/**
 * A seeded PRNG and the samplers Thompson sampling and the simulations need. Same seed, same
 * stream, on every platform: xoshiro128** (Blackman & Vigna) seeded through splitmix32, doubles
 * from 53 random bits. Never Math.random: decisions and evaluations must be reproducible.
 */

export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** An independent stream derived from this one's seed and a salt (does not advance this one). */
  fork(salt: number | string): Rng;
}

/** FNV-1a of a string, so seeds may be names ("holdout:campaign-7"). */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function seedNumber(seed: number | string): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite (got ${seed})`);
  // Fold in the high bits so seeds above 2^32 differ.
  return (seed >>> 0) ^ hashString(String(Math.floor(seed / 4294967296)));
}

/**
 * The raw xoshiro128** step over a 4-word state (not all zero), exposed so the stream can be
 * checked against the reference implementation's output.
 */
export function createXoshiro128(state: readonly [number, number, number, number]): () => number {
  let [a, b, c, d] = state;
  if ((a | b | c | d) === 0) throw new RangeError('xoshiro128**: the state must not be all zero');
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

/** A deterministic generator for a numeric or string seed. */
export function createRng(seed: number | string): Rng {
  const base = seedNumber(seed);
  const init = splitmix32(base);
  const state: [number, number, number, number] = [init(), init(), init(), init()];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  const uint32 = createXoshiro128(state);
  const next = (): number => uint32Pair(uint32) / 9007199254740992;
  return {
    next,
    uint32,
    int(n: number): number {
      if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`int: n must be a positive integer (got ${n})`);
      return Math.floor(next() * n);
    },
    fork: (salt) => createRng((base ^ Math.imul(typeof salt === 'string' ? hashString(salt) : seedNumber(salt), 0x9e3779b1)) >>> 0),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** 53-bit integer from two 32-bit draws (27 + 26 bits). */
function uint32Pair(u: () => number): number {
  return (u() >>> 5) * 67108864 + (u() >>> 6);
}

/** Normal(mean, sd) by Box–Muller (one draw per call; the partner value is discarded for statelessness). */
export function sampleNormal(rng: Rng, mean = 0, sd = 1): number {
  const u1 = 1 - rng.next(); // (0, 1]
  const u2 = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via Gamma(shape+1)·U^(1/shape). */
export function sampleGamma(rng: Rng, shape: number, scale = 1): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`sampleGamma: shape and scale must be > 0 (got ${shape}, ${scale})`);
  if (shape < 1) {
    const u = 1 - rng.next();
    return sampleGamma(rng, shape + 1, scale) * u ** (1 / shape);
  }
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = sampleNormal(rng); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`sampleBeta: a and b must be > 0 (got ${a}, ${b})`);
  const x = sampleGamma(rng, a), y = sampleGamma(rng, b);
  // Both can underflow to 0 for tiny shapes; the limit distribution is Bernoulli(a/(a+b)).
  if (x + y === 0) return rng.next() < a / (a + b) ? 1 : 0;
  return x / (x + y);
}
