/**
 * AI Workers: each owns an outcome through durable journeys (trigger, waits, brain decisions,
 * sends, branches, exits) under guardrails shared by every worker: caps, quiet hours, gaps,
 * rates, consent at send time. Playbooks ship as ready definitions.
 */
export { createWorkers, type WorkersService, type WorkersOptions } from './workers.service.ts';
export { registerWorkerRoutes } from './workers.routes.ts';
export { parseWorkerDefinition, parseDuration } from './workers.definition.ts';
export { experimentsOf, assignArms, type Experiment as WorkerExperiment } from './workers.arms.ts';
export { PLAYBOOKS } from './workers.playbooks.ts';
export { createWorkerRenderer } from './workers.render.ts';
export { checkSend, chooseChannel, nextBestHour, quietHoursEnd, localHour, type GuardrailSettings, type Verdict } from './workers.guardrails.ts';
export type { WorkersDeps } from './workers.deps.ts';
export type { RenderInput, RenderOutput } from './workers.steps.ts';
export { UPLIFT_FEATURES, type UpliftModel, type UpliftEvaluation } from './workers.uplift.ts';
export type { Instance, WorkerDefinition, WorkerRecord, WorkerStatus, Step, Trigger } from './workers.types.ts';
