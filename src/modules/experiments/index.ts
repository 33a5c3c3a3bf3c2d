/**
 * Experiments: stateless, hash-based assignment to the global control group and to A/B/n arms.
 * Decisioning stamps the assignment on every decision; the proof layer reads it back.
 */
export { hashBucket, assignGlobal, assignArm, assignWorkerHoldout, ASSIGNMENT_VERSION, type Assignment } from './experiments.hash.ts';
