/**
 * A worker's incrementality report (GET /v1/reports/workers/{id}, /series, ?cohort=): lift against
 * its own holdout with confidence intervals, every metric per arm, cohorts, and the cumulative
 * estimate over time. `_all` is every worker against the global control group.
 */
import { useState } from 'react';
import { qs } from '../api.ts';
import { BandChart } from '../charts.tsx';
import { Link } from '../router.tsx';
import { AsOf, Badge, Card, Empty, Kpi, Loading, Page, ci, ciTone, money, num, signedMoney, useReport, when, type Interval } from '../ui.tsx';

export const ALL = '_all';

interface Incremental {
  treatedShoppers: number; holdoutShoppers: number;
  contributionPerShopper: Interval | null; contributionPerShopperCuped: (Interval & { varianceReduction: number | null }) | null;
  contributionTotal: Interval | null; revenuePerShopper: Interval | null; conversionRate: Interval | null;
  incrementalSpendPerShopper: number | null; costPerIncrementalContribution: number | null;
}
interface Metric { metric: string; arms: Array<{ arm: string; n: number; mean: number | null }>; comparisons: Array<{ arm: string; absolute: Interval; relative: Interval }> }
interface Body { control: string; units: { total: number; treated: number; holdout: number }; expectedHoldoutShare: number; srm: { pValue: number | null; mismatch: boolean } | null; incremental: Incremental; metrics: Metric[] }
interface Report extends Body { worker: { id: string; name: string | null }; asOf?: string; since: string; until: string; windowHours: number; globalControlExcluded?: number; cohorts?: Array<{ cohort: string } & Body> }
interface SeriesPoint { start: string; end: string; entered: { treated: number; holdout: number }; cumulative: { treated: number; holdout: number; contributionPerShopper: Interval | null; contributionTotal: Interval | null } }

/** Lift per shopper entered, for tables: "+$1.20 [−$0.10, +$2.50]" coloured by its interval. */
export function LiftCell({ e }: { e: Interval | null | undefined }) {
  return <span className={`lift ${ciTone(e)}`}>{ci(e)}</span>;
}

const pct = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n * 100).toFixed(1)} pts` : '–');
const fixed = (n: number | null | undefined, d = 3) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(d) : '–');
const enc = encodeURIComponent;

function Series({ id }: { id: string }) {
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const s = useReport<{ points: SeriesPoint[]; asOf?: string }>(`/v1/reports/workers/${enc(id)}/series${qs({ bucket })}`, [id, bucket]);
  const points = (s.data?.points ?? []).map((p) => ({
    label: p.end.slice(5, 10), estimate: p.cumulative.contributionTotal?.estimate ?? null, lo: p.cumulative.contributionTotal?.ciLow ?? null, hi: p.cumulative.contributionTotal?.ciHigh ?? null,
    note: `${num(p.cumulative.treated)} treated, ${num(p.cumulative.holdout)} held out`,
  }));
  return (
    <Card title={<>Incremental contribution over time <select aria-label="Bucket" value={bucket} onChange={(e) => setBucket(e.target.value as 'day' | 'week')}><option value="day">by day</option><option value="week">by week</option></select><AsOf report={s} /></>}>
      <Loading state={s} />
      {s.data ? <BandChart points={points} label="Cumulative incremental contribution with 95% confidence band" empty="Not enough shoppers in both the treated group and the holdout yet." /> : null}
      <div className="muted small">Everyone who entered up to each {bucket}, with their outcomes so far: incremental contribution (per-shopper lift × treated shoppers) and its 95% interval.</div>
    </Card>
  );
}

function Cohorts({ id }: { id: string }) {
  const [cohort, setCohort] = useState<'lifecycle' | 'tier' | 'channel'>('lifecycle');
  const r = useReport<Report>(`/v1/reports/workers/${enc(id)}${qs({ cohort })}`, [id, cohort]);
  const rows = r.data?.cohorts ?? [];
  return (
    <Card title={<>By cohort <select aria-label="Cohort" value={cohort} onChange={(e) => setCohort(e.target.value as typeof cohort)}>
      <option value="lifecycle">lifecycle stage at entry</option><option value="tier">value tier</option><option value="channel">reachable channels at entry</option></select><AsOf report={r} /></>}>
      <Loading state={r} />
      {r.data && rows.length === 0 ? <Empty>No shopper has entered yet.</Empty> : null}
      {rows.length > 0 ? (
        <table className="table" data-testid="cohorts">
          <thead><tr><th>Cohort</th><th>Treated</th><th>Held out</th><th>Contribution lift / shopper (95% CI)</th><th>Incremental contribution</th><th>Conversion</th></tr></thead>
          <tbody>{rows.map((c) => (
            <tr key={c.cohort}><td>{c.cohort}</td><td>{num(c.units.treated)}</td><td>{num(c.units.holdout)}</td>
              <td><LiftCell e={c.incremental.contributionPerShopper} /></td><td>{ci(c.incremental.contributionTotal)}</td><td>{ci(c.incremental.conversionRate, pct)}</td></tr>
          ))}</tbody>
        </table>
      ) : null}
    </Card>
  );
}

export function WorkerReport({ id }: { id: string }) {
  const r = useReport<Report>(`/v1/reports/workers/${enc(id)}`, [id]);
  const title = id === ALL ? 'All workers vs the global control group' : `Report: ${r.data?.worker.name ?? id}`;
  if (!r.data) return <Page title={title}><Loading state={r} /></Page>;
  const x = r.data, inc = x.incremental;
  return (
    <Page title={title} actions={<><AsOf report={r} />{id === ALL ? <Link to="/workers">Workers</Link> : <Link to={`/workers/${enc(id)}`}>Worker</Link>}</>}>
      <div className="row muted small" data-testid="report-period">
        Shoppers who entered {when(x.since)} to {when(x.until)} · outcomes within {x.windowHours} h of entry · {num(x.units.treated)} treated, {num(x.units.holdout)} held out
        (intended {(x.expectedHoldoutShare * 100).toFixed(1)}%){x.globalControlExcluded ? ` · ${num(x.globalControlExcluded)} in the global control group left out` : ''}
        {' · '}{x.srm ? <Badge tone={x.srm.mismatch ? 'bad' : 'good'}>{x.srm.mismatch ? `sample ratio mismatch (p ${fixed(x.srm.pValue)})` : `split as intended (p ${fixed(x.srm.pValue)})`}</Badge> : <Badge tone="muted">too few shoppers for a split check</Badge>}
      </div>
      <div className="kpis" data-testid="report-kpis">
        <Kpi label="Incremental contribution" value={signedMoney(inc.contributionTotal?.estimate)} note={inc.contributionTotal ? `95% CI ${signedMoney(inc.contributionTotal.ciLow)} to ${signedMoney(inc.contributionTotal.ciHigh)}` : 'needs both arms'} />
        <Kpi label="Lift per shopper" value={signedMoney(inc.contributionPerShopper?.estimate)} note={inc.contributionPerShopper ? `95% CI ${signedMoney(inc.contributionPerShopper.ciLow)} to ${signedMoney(inc.contributionPerShopper.ciHigh)}` : 'contribution per shopper entered'} />
        <Kpi label="Lift per shopper (CUPED)" value={signedMoney(inc.contributionPerShopperCuped?.estimate)} note={inc.contributionPerShopperCuped ? `variance −${((inc.contributionPerShopperCuped.varianceReduction ?? 0) * 100).toFixed(0)}% with pre-period revenue` : '–'} />
        <Kpi label="Revenue per shopper" value={signedMoney(inc.revenuePerShopper?.estimate)} note={ci(inc.revenuePerShopper)} />
        <Kpi label="Conversion rate" value={pct(inc.conversionRate?.estimate)} note={ci(inc.conversionRate, pct)} />
        <Kpi label="Spend per incremental $" value={inc.costPerIncrementalContribution === null ? '–' : money(inc.costPerIncrementalContribution)} note={`discount + contact cost ${signedMoney(inc.incrementalSpendPerShopper)} / shopper`} />
      </div>
      <Series id={id} />
      <Card title="Every metric, per shopper entered">
        {x.metrics.length === 0 ? <Empty>The report needs at least two shoppers in each arm.</Empty> : (
          <table className="table" data-testid="report-metrics">
            <thead><tr><th>Metric</th><th>Held out</th><th>Treated</th><th>Lift (95% CI)</th><th>Relative</th><th>p</th></tr></thead>
            <tbody>{x.metrics.map((m) => {
              const mean = (arm: string) => m.arms.find((a) => a.arm === arm)?.mean;
              const c = m.comparisons[0];
              return <tr key={m.metric}><td>{m.metric}</td><td>{fixed(mean(x.control), 2)}</td><td>{fixed(mean(c?.arm ?? 'treated'), 2)}</td>
                <td><span className={`lift ${ciTone(c?.absolute)}`}>{ci(c?.absolute, (n) => fixed(n, 3))}</span></td><td>{ci(c?.relative, (n) => (typeof n === 'number' ? `${(n * 100).toFixed(1)}%` : '–'))}</td><td>{fixed(c?.absolute.pValue)}</td></tr>;
            })}</tbody>
          </table>
        )}
      </Card>
      <Cohorts id={id} />
    </Page>
  );
}
