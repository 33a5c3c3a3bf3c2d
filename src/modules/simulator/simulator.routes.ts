/**
 * The simulator's latest comparison over HTTP, for the console's Simulator page: `braid simulate`
 * writes `<dataDir>/simulations/latest.json` (and `latest.png`, the plots); these routes read them
 * as they are on disk at request time. No simulation yet: a 404 that says how to run one.
 * A file that is not a simulation result is a 500 naming the file, never a half-read answer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from 'typebox';
import { BraidError, compileValidator, type HttpServer } from '../../core/index.ts';
import { POLICIES } from './simulator.summary.ts';

const tags = ['simulator'];
const Num = Type.Union([Type.Number(), Type.Null()]);
const Interval = Type.Object({ mean: Type.Number(), ciLow: Num, ciHigh: Num });
const PerPolicy = Type.Object(Object.fromEntries(POLICIES.map((p) => [p, Type.Array(Type.Number())])));

export const SimulationResultSchema = Type.Object({
  generatedAt: Type.String({ description: 'When braid simulate wrote it (ISO)' }),
  config: Type.Object({
    shoppers: Type.Integer(), days: Type.Integer(), warmupDays: Type.Integer(), seeds: Type.Integer(), firstSeed: Type.Integer(), products: Type.Integer(), start: Type.String(),
  }, { additionalProperties: true }),
  seconds: Type.Record(Type.String(), Type.Number()),
  braidMails: Type.Number(),
  braidCheckoutDecisions: Type.Optional(Type.Number({ description: 'On-site checkout decisions Braid served (POST /v1/decide)' })),
  figures: Type.Record(Type.String(), Num, { description: 'braid_vs_rules, braid_vs_blast, discount_braid_vs_rules, msgs_braid_vs_rules (ratios), ci_coverage' }),
  rows: Type.Array(Type.Object({
    policy: Type.String({ description: POLICIES.join(' | ') }),
    incremental: Type.Object({ ...Interval.properties }, { description: 'Incremental contribution vs no contact (mean over seeds) with its 95% CI' }),
    contribution: Type.Number(), revenue: Type.Number(), discount: Type.Number(), messagesPerShopper: Type.Number(), unsubscribes: Type.Number(),
  })),
  estimates: Type.Array(Type.Object({
    seed: Type.Integer(), truth: Type.Number({ description: 'Braid − no contact, from the simulator\'s books' }),
    estimate: Type.Union([Type.Object({ estimate: Num, ciLow: Num, ciHigh: Num, source: Type.String() }), Type.Null()], { description: 'Braid\'s own holdout estimate (GET /v1/reports/workers/_all)' }),
    covered: Type.Union([Type.Boolean(), Type.Null()]),
  })),
  series: Type.Optional(Type.Object({
    cumIncrementalContribution: PerPolicy, cumDiscount: PerPolicy,
  }, { description: 'Per policy day, mean over seeds: cumulative contribution minus no contact\'s, and cumulative discount spend' })),
});

export type SimulationResult = Static<typeof SimulationResultSchema>;
const check = compileValidator<SimulationResult>(SimulationResultSchema, 'latest.json');

async function readOrNotFound(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BraidError('not_found', `No simulation has run yet: \`braid simulate\` writes ${file}`);
    }
    throw e;
  }
}

export function registerSimulationRoutes(http: HttpServer, c: { dataDir: string }): void {
  const dir = join(c.dataDir, 'simulations');
  const errors = { 404: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }) };

  http.get('/v1/simulations/latest', {
    schema: {
      tags, summary: 'The latest shopper simulation (braid simulate): per policy the incremental contribution vs no contact with its 95% CI, revenue, discount, messages, unsubscribes; Braid\'s estimate vs the truth per seed',
      response: { 200: SimulationResultSchema, ...errors },
    },
  }, async () => {
    const file = join(dir, 'latest.json');
    const text = (await readOrNotFound(file)).toString('utf8');
    try {
      return check(JSON.parse(text));
    } catch (e) {
      throw new BraidError('internal', `${file} is not a simulation result: ${(e as Error).message}`);
    }
  });

  http.get('/v1/simulations/latest/report.png', {
    schema: { tags, summary: 'The latest simulation\'s plots as one PNG: cumulative incremental contribution, discount spend, Braid\'s estimate vs the truth' },
  }, async (_req, reply) => {
    const png = await readOrNotFound(join(dir, 'latest.png'));
    return reply.type('image/png').header('cache-control', 'no-cache').send(png as never);
  });
}
