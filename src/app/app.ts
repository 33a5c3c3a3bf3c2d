/**
 * The composition root: builds every module with its collaborators and mounts the HTTP routes.
 * The only file allowed to import all modules (besides the CLI and demo seeding).
 */
import { createHmac } from 'node:crypto';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import {
  createHttpServer, createManualClock, createMetrics, openDatabase, systemClock,
  type Clock, type Config, type Db, type HttpServer, type Keys, type Metrics, type CoreDeps,
} from '../core/index.ts';
import { createCatalog, createCatalogCache, registerCatalogRoutes, type CatalogCache, type CatalogService } from '../modules/catalog/index.ts';
import { createOffers, registerOfferRoutes, type OfferService } from '../modules/offers/index.ts';
import { createDecisioning, registerDecisionRoutes, type DecisionService } from '../modules/decisioning/index.ts';
import { createEventLog, registerEventRoutes, type EventLog } from '../modules/events/index.ts';
import { createIdentity, type IdentityService } from '../modules/identity/index.ts';
import { createConsent, registerConsentRoutes, type ConsentService } from '../modules/consent/index.ts';
import { createProfiles, registerProfileRoutes, type ProfileService } from '../modules/profiles/index.ts';
import { createTraits, registerTraitsRoutes, type TraitsService } from '../modules/traits/index.ts';
import {
  createReports, createReportSnapshots, createWorkerReports, registerWorkerDecisionRoutes, type ReportSnapshots, registerDecisionReportRoutes, registerPlacementReportRoutes, registerReportRoutes, registerWorkerReportRoutes, type ReportsService,
} from '../modules/reports/index.ts';
import { createRecommendations, registerRecommendationRoutes, type RecommendationService } from '../modules/recommendations/index.ts';
import { createContent, registerContentRoutes, type ContentService } from '../modules/content/index.ts';
import { createChannels, engagementRecorder, registerChannelRoutes, registerTrackingRoutes, type ChannelOptions, type ChannelService } from '../modules/channels/index.ts';
import { createWorkerRenderer, createWorkers, registerWorkerRoutes, type WorkersOptions, type WorkersService } from '../modules/workers/index.ts';
import { createAudiences, registerAudienceRoutes, type AudiencesService } from '../modules/audiences/index.ts';
import { createAssociates, registerAssociateRoutes, type AssociatesService } from '../modules/associates/index.ts';
import { createAudit, registerAuditRoutes, type AuditService } from '../modules/audit/index.ts';
import { createApprovals, registerApprovalRoutes, type ApprovalsService } from '../modules/approvals/index.ts';
import { registerSimulationRoutes } from '../modules/simulator/index.ts';
import { auditConfigChanges, auditDecisionSummaries, auditDeliveries } from './app.audit.ts';
import { createAccess, registerAccessRoutes, type AccessService } from '../modules/access/index.ts';
import { isManualClock, registerClockRoutes } from './app.clock.ts';
import { registerConsole } from './app.console.ts';
import { registerConsoleLift } from './app.console-lift.ts';
import { VERSION } from './version.ts';

export interface BraidOptions {
  config: Config;
  keys: Keys;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from config. */
  db?: Db;
  logger?: FastifyBaseLogger;
  /** Delivery queue tuning (tests use short retry delays). */
  channels?: ChannelOptions;
  workers?: WorkersOptions;
}

export interface Braid {
  http: HttpServer;
  db: Db;
  clock: Clock;
  config: Config;
  keys: Keys;
  metrics: Metrics;
  catalog: CatalogService;
  catalogCache: CatalogCache;
  offers: OfferService;
  decisioning: DecisionService;
  events: EventLog;
  identity: IdentityService;
  consent: ConsentService;
  profiles: ProfileService;
  traits: TraitsService;
  reports: ReportsService;
  recommendations: RecommendationService;
  content: ContentService;
  channels: ChannelService;
  workers: WorkersService;
  audiences: AudiencesService;
  associates: AssociatesService;
  audit: AuditService;
  /** Appends a decision.summary entry now (it also runs every minute); returns the decisions counted. */
  summarizeDecisions(): Promise<number>;
  /** The report snapshots (docs/console.md); its refresher runs with startBackground. */
  reportSnapshots: ReportSnapshots;
  approvals: ApprovalsService;
  /** Users, API keys, sessions and the route permission table the auth hook enforces. */
  access: AccessService;
  /** Starts background consumers (projection). Call after seeding, before or after listen. */
  startBackground(): void;
  close(): Promise<void>;
}

export async function createBraid(opts: BraidOptions): Promise<Braid> {
  const config = opts.config;
  // Simulation mode: a clock that only POST /v1/clock/advance moves (a test's own ManualClock is used as is).
  const manual = config.clockMode !== 'manual' ? undefined
    : isManualClock(opts.clock) ? opts.clock : createManualClock(config.clockStartMs ?? systemClock.now());
  const clock = manual ?? opts.clock ?? systemClock;
  const log = opts.logger ?? (pino({ level: config.logLevel }) as FastifyBaseLogger);
  const ownsDb = !opts.db;
  const db = opts.db ?? await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, clock });
  const metrics = createMetrics();
  const deps: CoreDeps = { db, clock, log, config, metrics };

  const audit = createAudit(deps);
  const access = createAccess(deps, { audit });
  await access.bootstrap();
  const http = await createHttpServer({ logger: log, keys: opts.keys, metrics, version: VERSION, access });
  const events = createEventLog(deps);
  const identity = createIdentity(deps);
  const consent = createConsent(deps);
  const catalog = createCatalog(deps);
  auditConfigChanges(http, audit);
  // Owners (offers, content, workers) register with the queue as they are created; see docs/governance.md.
  const approvals = createApprovals(deps, { audit });
  await approvals.start();
  const profiles = createProfiles(deps, { events, identity, consent });
  const traits = createTraits(deps, { profiles, events });
  const reports = createReports(deps);
  const catalogCache = createCatalogCache(catalog, { refreshMs: config.databaseUrl ? 60_000 : undefined });
  const recommendations = createRecommendations(deps, { catalog: catalogCache, profiles, consent, events });
  const offers = createOffers(deps, { approvals, audit });
  const decisioning = createDecisioning(deps, {
    catalog, catalogCache, offers, profiles, identity, consent, traits, products: (req) => recommendations.recommend(req), productsVersion: () => recommendations.modelVersion() ?? '',
  });
  await decisioning.start();
  const content = createContent(deps, { catalog: catalogCache, offers, approvals });
  await content.start();
  // Unsubscribe links are signed with a key derived from the admin key (rotating it voids old links).
  const secret = createHmac('sha256', opts.keys.adminKey).update('braid-unsubscribe-v1').digest('hex');
  const channels = createChannels(deps, { consent, identity, profiles, secret, options: opts.channels });
  await channels.start();
  const deliveriesAudit = auditDeliveries(channels, audit, log);
  const decisionsAudit = auditDecisionSummaries(clock, decisioning.log, audit, log);
  const workers = createWorkers(deps, {
    profiles, identity, consent, traits, decisioning, channels, catalog: catalogCache, scanProfiles: (after, limit) => profiles.scan(after, limit),
    render: createWorkerRenderer({ content, traits, offers }), audit, approvals,
    incentivePlacement: (id) => decisioning.config.placement(id)?.types.includes('incentivize') ?? false,
  }, opts.workers);
  await workers.start();
  const audiences = createAudiences(deps, { profiles, identity, consent, traits, contacts: channels });
  const associates = createAssociates(deps, { profiles, identity, consent, traits, recommendations, catalog, catalogCache });

  http.get('/healthz', {
    config: { scope: 'public' },
    schema: { tags: ['ops'], summary: 'Liveness and database check', response: { 200: Type.Object({ status: Type.String(), version: Type.String(), database: Type.String() }) } },
  }, async () => {
    await db.query('select 1');
    return { status: 'ok', version: VERSION, database: db.dialect };
  });
  http.get('/metrics', { config: { scope: 'public' }, schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: false } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  http.get('/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () => http.swagger());

  registerEventRoutes(http, events, opts.keys);
  registerCatalogRoutes(http, catalog);
  registerProfileRoutes(http, profiles, identity);
  registerConsentRoutes(http, consent, identity);
  registerTraitsRoutes(http, traits, profiles);
  registerReportRoutes(http, reports);
  registerOfferRoutes(http, offers);
  registerDecisionRoutes(http, decisioning, profiles);
  registerDecisionReportRoutes(http, decisioning);
  registerRecommendationRoutes(http, recommendations, profiles);
  registerContentRoutes(http, content, { offer: (id) => offers.get(id) });
  registerChannelRoutes(http, channels, { identity, profiles });
  registerTrackingRoutes(http, channels, {
    log, record: engagementRecorder({ ingest: (m) => events.ingest(m), canonical: (id) => identity.canonical(id), identities: (id) => identity.identities(id), nowMs: () => clock.now() }),
  });
  registerWorkerRoutes(http, workers);
  registerAudienceRoutes(http, audiences);
  registerAssociateRoutes(http, associates);
  registerAuditRoutes(http, audit, { resolveProfile: (ref) => identity.resolveRef(ref) });
  registerApprovalRoutes(http, approvals);
  registerAccessRoutes(http, access);
  registerClockRoutes(http, clock, manual, {
    async settle(timeoutMs) {
      const until = systemClock.now() + timeoutMs;
      const left = () => Math.max(0, until - systemClock.now());
      let settled = await profiles.waitForProjection(left());
      await workers.sweep();
      await workers.tick();
      settled = (await profiles.waitForProjection(left())) && settled;
      await workers.idle();
      // Outcome learning: what the projection handed the learner, then reward windows the clock closed (y = 0).
      await decisioning.learner.settle();
      await decisioning.learner.sweep();
      // The delivery queue (pg-boss) runs on wall time: wait until every queued message reached an outcome.
      const pending = () => { const st = channels.stats(); return Math.max(0, st.queued - st.sent - st.failed - st.dead - st.suppressed - st.unknown); };
      while (pending() > 0 && left() > 0) await new Promise((r) => setTimeout(r, 20));
      return { settled: settled && pending() === 0, pendingDeliveries: pending() };
    },
  });
  const workerReports = createWorkerReports({ db, config, clock, workers, flushDecisions: () => decisioning.log.flush() });
  // Simulation mode (BRAID_CLOCK=manual): the clock stands still while data arrives, so a snapshot's age says nothing: reports are live.
  const reportSnapshots = createReportSnapshots({ db, clock, refreshMs: config.clockMode === 'manual' ? 0 : config.reportRefreshSeconds * 1000, onError: (key, err) => log.warn({ err, key }, 'report snapshot refresh failed') });
  registerWorkerReportRoutes(http, workerReports, reportSnapshots, () => clock.now());
  registerPlacementReportRoutes(http, workerReports, reportSnapshots, () => clock.now());
  registerWorkerDecisionRoutes(http, { db, resolveProfile: (ref) => profiles.resolve(ref), flushDecisions: () => decisioning.log.flush() });
  registerSimulationRoutes(http, { dataDir: config.dataDir });
  registerConsoleLift(http, { reports: workerReports, snapshots: reportSnapshots, nowMs: () => clock.now() });
  await registerConsole(http);

  // Stopped in this order: producers of work first (workers, projection), the delivery queue last.
  const background: Array<{ stop(): Promise<void> }> = [
    reportSnapshots, workers, audiences, profiles.projector, traits, decisioning, offers, { stop: async () => catalogCache.stop() }, recommendations, content, decisionsAudit, deliveriesAudit, channels,
  ];
  return {
    http, db, clock, config, keys: opts.keys, metrics, catalog, catalogCache, offers, decisioning, events, identity, consent, profiles, traits, reports, recommendations,
    content, channels, workers, audiences, associates, audit, access, approvals, summarizeDecisions: () => decisionsAudit.run(), reportSnapshots,
    startBackground() {
      profiles.projector.start(); traits.start(); audiences.start(); reportSnapshots.start();
      recommendations.start().catch((err) => log.error({ err }, 'recommendations failed to start'));
    },
    async close() {
      for (const b of background) await b.stop();
      await http.close();
      if (ownsDb) await db.close();
    },
  };
}
