/**
 * Seeded random draws for simulating customers from the CLV models (tests, evaluations, the
 * shopper simulator): a deterministic PRNG and gamma, beta and exponential samplers. Pure.
 */

/** mulberry32: a small, fast, seeded uniform [0, 1) generator; same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-300), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, rate): Marsaglia & Tsang (2000); shape < 1 by the boost Γ(k) = Γ(k + 1) · U^(1/k). */
export function sampleGamma(rand: () => number, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(rand, shape + 1, rate) * Math.pow(Math.max(rand(), 1e-300), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = normal(rand); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

export function sampleBeta(rand: () => number, a: number, b: number): number {
  const x = sampleGamma(rand, a, 1), y = sampleGamma(rand, b, 1);
  return x / (x + y);
}

export function sampleExponential(rand: () => number, rate: number): number {
  return -Math.log(1 - rand()) / rate;
}
