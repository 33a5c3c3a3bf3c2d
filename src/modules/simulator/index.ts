/**
 * The shopper simulator (proof layer): a synthetic store whose shoppers have hidden traits, run
 * under several marketing policies on the same seeds, with Braid driven only through its public
 * HTTP interfaces. See docs/simulator.md.
 */
export { DEFAULT_SIM_CONFIG, UPLIFT_TYPES, contributionOf, type SimConfig, type Shopper, type SimMessage, type UpliftType, type Ledger } from './simulator.types.ts';
export { buildWorld, WorldRun, react, persuasionProbability, openProbability, unsubscribeProbability, type World, type Reaction } from './simulator.world.ts';
export { reveal, loadsImages, IMAGES_ON_SHARE } from './simulator.engagement.ts';
export { runBaseline } from './simulator.run.ts';
export { createBaseline, BASELINES, type BaselineName } from './simulator.policies.ts';
export { readMail, readMessageText, decodeMailText } from './simulator.mail.ts';
export { compare, booksOf, meanCi, pairedTotalCi, POLICIES, type Comparison, type PolicyName, type SeedResult } from './simulator.summary.ts';
export { startMailbox, runBraidPolicy, readBraidEstimate, type BraidTarget, type Mailbox } from './simulator.driver.ts';
export { startReceiver, readProviderRequest, type Receiver, type Received } from './simulator.receiver.ts';
export { checkIntervalCalibration, type Calibration, type PotentialOutcomes } from './simulator.calibration.ts';
export { simulate, type BraidLauncher, type Simulation } from './simulator.simulate.ts';
export { parseSimConfig } from './simulator.config.ts';
export { writeSimulationReport, renderHtml, renderPng } from './simulator.report.ts';
export { registerSimulationRoutes, SimulationResultSchema } from './simulator.routes.ts';
