/**
 * Thompson-sampling action probabilities. A Bernoulli Thompson sampler ranks items by one draw
 * θ_i ~ Beta(α_i, β_i) each and shows the top `slots`; the probability that item i lands in slot
 * k has no closed form for many items, so it is estimated by Monte Carlo exactly as the Open
 * Bandit Pipeline's BernoulliTS.compute_batch_action_dist does (100,000 simulations there).
 * These are the propensities a decision log must record for off-policy evaluation.
 */
import { sampleBeta, type Rng } from './stats.rng.ts';

/**
 * P(item i is shown in slot k) for i < alpha.length, k < slots: result[i][k]. Each column sums to
 * 1; each row sums to the probability the item is shown at all. Monte Carlo error per entry is
 * about √(p(1−p)/simulations).
 */
export function estimateThompsonSlotProbabilities(
  alpha: readonly number[], beta: readonly number[], slots: number, simulations: number, rng: Rng,
): number[][] {
  const k = alpha.length;
  if (beta.length !== k) throw new RangeError('estimateThompsonSlotProbabilities: one beta per alpha');
  if (!(slots >= 1 && slots <= k) || !Number.isInteger(slots)) throw new RangeError(`slots must be an integer in [1, ${k}]`);
  if (!(simulations >= 1)) throw new RangeError('simulations must be >= 1');
  const counts = Array.from({ length: k }, () => new Array<number>(slots).fill(0));
  const draws = new Float64Array(k);
  const top = new Int32Array(slots);
  for (let s = 0; s < simulations; s++) {
    for (let i = 0; i < k; i++) draws[i] = sampleBeta(rng, alpha[i]!, beta[i]!);
    // Partial selection of the `slots` largest draws, in descending order.
    for (let j = 0; j < slots; j++) {
      let best = -1, bestV = -Infinity;
      for (let i = 0; i < k; i++) {
        const v = draws[i]!;
        if (v > bestV) { bestV = v; best = i; }
      }
      top[j] = best;
      draws[best] = -Infinity;
    }
    for (let j = 0; j < slots; j++) { const row = counts[top[j]!]!; row[j] = row[j]! + 1; }
  }
  return counts.map((row) => row.map((c) => c / simulations));
}
