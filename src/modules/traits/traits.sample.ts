/**
 * Seeded random draws for simulating customers from the CLV models (tests and evaluations): thin
 * adapters over the stats module's generator and samplers, in the shape the CLV tests use (a
 * uniform draw function; Gamma by shape and rate). Pure.
 */
import { createRng, sampleBeta as betaOf, sampleGamma as gammaOf, type Rng } from '../stats/index.ts';

const generators = new WeakMap<() => number, Rng>();

/** A seeded uniform [0, 1) draw function; same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  const draw = () => rng.next();
  generators.set(draw, rng);
  return draw;
}

function rngOf(rand: () => number): Rng {
  const rng = generators.get(rand);
  if (!rng) throw new Error('use a draw function made by seededRandom');
  return rng;
}

/** Gamma(shape, rate). */
export function sampleGamma(rand: () => number, shape: number, rate: number): number {
  return gammaOf(rngOf(rand), shape, 1 / rate);
}

export function sampleBeta(rand: () => number, a: number, b: number): number {
  return betaOf(rngOf(rand), a, b);
}

export function sampleExponential(rand: () => number, rate: number): number {
  return -Math.log(1 - rand()) / rate;
}
