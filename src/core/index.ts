// The shared kernel: not a module; every module may import it.
export * from './clock.ts';
export * from './errors.ts';
export { compileValidator, fieldFromPointer, routeValidator } from './validate.ts';
export { runSync, runCooperatively } from './steps.ts';
export * from './ids.ts';
export * from './config.ts';
export type { BrainConfig } from './config.brain.ts';
export { DEFAULT_CAPS, parseCaps, type ChannelsConfig, type FrequencyCap, type GuardrailsConfig, type LlmConfig, type MuscleConfig } from './config.muscle.ts';
export { DEFAULT_SENSITIVE_TRAITS } from './config.brain.ts';
export { DEFAULT_GOVERNANCE, GOVERNANCE_LIMITS, type GovernanceConfig } from './config.governance.ts';
export { MIN_PASSWORD_LENGTH, type AccessConfig } from './config.access.ts';
export * from './deps.ts';
export * from './metrics.ts';
export * from './db/db.types.ts';
export { openDatabase, lockDataDir } from './db/open.ts';
export { migrate, loadMigrations } from './db/migrate.ts';
export { createHttpServer, registeredRoutes, type HttpServer, type RouteInfo } from './http/server.ts';
export {
  ADMIN_KEY_PRINCIPAL, ANONYMOUS, DECIDE_KEY_PRINCIPAL, INGEST_PERMISSION, PUBLIC_PERMISSION, WRITE_KEY_PRINCIPAL,
  authorize, configKeyPrincipal, presentedKey, principalOf, type AccessControl, type Keys, type Principal, type Scope,
} from './http/auth.ts';
export * from './json.ts';
export { decodeCursor, encodeCursor, pageByKey, type Page } from './paging.ts';
export { CONDITION_OPS, conditionPaths, evaluateCondition, lookupPath, parseCondition, type Condition, type ConditionOp } from './conditions.ts';
export type { MessageContent } from './message.ts';
