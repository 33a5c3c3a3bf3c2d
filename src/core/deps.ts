import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.types.ts';
import type { Metrics } from './metrics.ts';

/** What every module's factory receives. Modules get their collaborators as explicit arguments. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  config: Config;
  metrics: Metrics;
}
