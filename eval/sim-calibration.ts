/**
 * `npm run eval:sim-calibration -- [--shoppers N] [--days D] [--seeds K] [--first-seed S] [--draws N]`:
 * is Braid's holdout interval right, or was a seed's miss in `braid simulate` more than chance?
 *
 * Per seed it runs Braid exactly as `braid simulate` does (in-process, simulation clock, 10% global
 * control group), then opens the books on both sides, which the simulator itself never does:
 * - Braid's units, read from its database as its `_all` report defines them (each shopper's first
 *   touch in the policy period, a journey entry or a decision; the arm it logged), joined to the
 *   simulator's shoppers by user id;
 * - each unit's contribution in the Braid world and in the no-contact world (same seed).
 * It prints Braid's own estimate and interval against the truth, the part of the error that is
 * the control group's luck (treated − control means in the no-contact world, × treated units: what
 * the estimate would say if Braid did nothing), and a randomization check of the interval
 * (simulator.calibration.ts: 20,000 re-drawn control groups among the treated units).
 *
 * Ends with one JSON line: `ci_coverage` (Braid's own intervals, this run), `randomization_coverage`
 * (the mean over seeds), `miss_low`, `miss_high`, and per seed the figures above.
 */
import { parseArgs } from '../src/cli/args.ts';
import { launchInProcess } from '../src/cli/simulate.ts';
import { checkIntervalCalibration, contributionOf, parseSimConfig, runBaseline, runBraidPolicy, startMailbox, startReceiver, type PotentialOutcomes } from '../src/modules/simulator/index.ts';

const { flags } = parseArgs(process.argv.slice(2));
const flag = (k: string) => (typeof flags[k] === 'string' ? flags[k] as string : undefined);
const cfg = parseSimConfig({}, { shoppers: flag('shoppers'), days: flag('days'), seeds: flag('seeds'), warmupDays: flag('warmup-days'), firstSeed: flag('first-seed') });
const draws = Number(flag('draws') ?? 20_000);
const log = (s: string) => process.stderr.write(s + '\n');

/** First touch per profile in the period (the `_all` report's units) and its logged arm. */
const UNITS_SQL = `with touches as (
    select profile_id, entered_at, holdout, id from worker_instances
    union all
    select profile_id, (extract(epoch from at) * 1000)::int8, case when grp = 'control' then 'global_control' end, id from decisions where profile_id is not null),
  first_touch as (select distinct on (profile_id) profile_id, entered_at, holdout from touches order by profile_id, entered_at, id)
  select i.value as user_id, coalesce(f.holdout = 'global_control', false) as control from first_touch f
  join identities i on i.profile_id = f.profile_id and i.type = 'user_id'
  where f.entered_at >= $1 and f.entered_at < $2`;

const mailbox = await startMailbox();
const receiver = await startReceiver();
const perSeed: Array<Record<string, number | boolean | null>> = [];
try {
  for (let seed = cfg.firstSeed; seed < cfg.firstSeed + cfg.seeds; seed++) {
    const none = runBaseline(cfg, seed, 'none');
    const braid = await launchInProcess(cfg.start)(seed);
    try {
      const r = await runBraidPolicy(cfg, seed, braid, mailbox, { log, receiver });
      const since = r.run.world.startMs + r.run.policyStartHour * 3_600_000, until = r.run.world.startMs + r.run.hours * 3_600_000;
      const idx = new Map(r.run.world.shoppers.map((s) => [s.userId, s.idx]));
      const rows = (await braid.db.query<{ user_id: string; control: boolean }>(UNITS_SQL, [since, until])).rows;
      const outcomes = (control: boolean) => rows.filter((u) => u.control === control && idx.has(u.user_id)).map((u): PotentialOutcomes => {
        const i = idx.get(u.user_id)!;
        return { treated: contributionOf(r.run.ledgers[i]!), control: contributionOf(none.ledgers[i]!) };
      });
      const treated = outcomes(false), control = outcomes(true);
      const truth = r.run.ledgers.reduce((a, l) => a + contributionOf(l), 0) - none.ledgers.reduce((a, l) => a + contributionOf(l), 0);
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      const luck = treated.length * (mean(treated.map((u) => u.control)) - mean(control.map((u) => u.control)));
      // Fewer than two control units: no interval in the report either, so nothing to calibrate.
      const cal = control.length < 2 ? { coverage: NaN, missLow: NaN, missHigh: NaN } : checkIntervalCalibration(treated, { controlShare: control.length / (control.length + treated.length), draws, seed });
      const e = r.estimate;
      const covered = e.ciLow === null || e.ciHigh === null ? null : e.ciLow <= truth && truth <= e.ciHigh;
      const row = {
        seed, truth: Math.round(truth), estimate: e.estimate === null ? null : Math.round(e.estimate), ci_low: e.ciLow === null ? null : Math.round(e.ciLow), ci_high: e.ciHigh === null ? null : Math.round(e.ciHigh), covered,
        treated: treated.length, control: control.length, control_luck: Math.round(luck), randomization_coverage: cal.coverage, miss_low: cal.missLow, miss_high: cal.missHigh,
      };
      perSeed.push(row);
      log(`seed ${seed}: Braid's estimate ${row.estimate} [${row.ci_low}, ${row.ci_high}] vs truth ${row.truth} (${covered ? 'covered' : 'missed'}); the control group's luck ${row.control_luck}; `
        + `${treated.length} treated, ${control.length} control; re-drawn control groups: coverage ${cal.coverage.toFixed(4)}, low ${cal.missLow.toFixed(4)}, high ${cal.missHigh.toFixed(4)}`);
      console.log(JSON.stringify(row));
    } finally { await braid.close(); }
  }
} finally { await mailbox.close(); await receiver.close(); }

const judged = perSeed.filter((s) => s.covered !== null);
const calibrated = perSeed.filter((s) => Number.isFinite(s.randomization_coverage));
const avg = (k: string) => (calibrated.length === 0 ? null : Number((calibrated.reduce((a, s) => a + (s[k] as number), 0) / calibrated.length).toFixed(4)));
console.log(JSON.stringify({
  ci_coverage: judged.length === 0 ? null : judged.filter((s) => s.covered).length / judged.length,
  randomization_coverage: avg('randomization_coverage'), miss_low: avg('miss_low'), miss_high: avg('miss_high'),
  shoppers: cfg.shoppers, days: cfg.days, seeds: cfg.seeds, first_seed: cfg.firstSeed, draws,
}));
process.exit(0);
