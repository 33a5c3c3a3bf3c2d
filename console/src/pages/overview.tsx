import { useState } from 'react';
import { get, has, qs, type Paged, type Principal } from '../api.ts';
import { BandChart } from '../charts.tsx';
import { Link } from '../router.tsx';
import { AsOf, Badge, Card, Empty, Kpi, Loading, Page, money, num, signedMoney, statusTone, useLoad, useReport, type Interval } from '../ui.tsx';
import { ALL, LiftCell } from './worker-report.tsx';
import { useWorkerLift } from './workers.tsx';

interface LiftPoint { until: string; units: number; treated: number; control: number; lift: { estimate: number; ciLow: number; ciHigh: number } | null }
interface SeriesPoint { end: string; cumulative: { treated: number; holdout: number; contributionTotal: Interval | null } }
interface OverviewReport {
  since: string; until: string; asOf?: string; units: { treated: number; holdout: number };
  incremental: { contributionTotal: Interval | null; contributionPerShopper: Interval | null };
  metrics: Array<{ metric: string; arms: Array<{ arm: string; n: number; mean: number | null }> }>;
}

/** Σ over both arms of mean × shoppers: the metric's total over every shopper a worker reached or held out. */
function total(r: OverviewReport | undefined, metric: string): number | undefined {
  const m = r?.metrics.find((x) => x.metric === metric);
  return m ? m.arms.reduce((s, a) => s + (a.mean ?? 0) * a.n, 0) : undefined;
}

function WorkerSeries({ workers }: { workers: Array<{ id: string; name: string }> }) {
  const [id, setId] = useState(ALL);
  const s = useReport<{ points: SeriesPoint[]; asOf?: string }>(`/v1/reports/workers/${encodeURIComponent(id)}/series${qs({ bucket: 'week' })}`, [id]);
  const points = (s.data?.points ?? []).map((p) => ({ label: p.end.slice(5, 10), estimate: p.cumulative.contributionTotal?.estimate ?? null, lo: p.cumulative.contributionTotal?.ciLow ?? null, hi: p.cumulative.contributionTotal?.ciHigh ?? null, note: `${num(p.cumulative.treated)} treated, ${num(p.cumulative.holdout)} held out` }));
  return (
    <Card title={<>Incremental contribution vs holdout, by worker <select aria-label="Worker" value={id} onChange={(e) => setId(e.target.value)}>
      <option value={ALL}>all workers (global control group)</option>{workers.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}</select><AsOf report={s} /></>}>
      <Loading state={s} />
      {s.data ? <BandChart points={points} label="Cumulative incremental contribution of workers with 95% confidence band" empty="No worker has reached shoppers in both the treated group and the holdout yet." /> : null}
      <div className="muted small">Shoppers who entered up to each week, with their outcomes so far, against the worker's holdout (all workers: against the global control group); the band is the 95% confidence interval. <Link to={`/workers/${encodeURIComponent(id)}/report`}>Full report</Link></div>
    </Card>
  );
}

export function Overview(_: { me: Principal }) {
  const workers = useLoad(() => get<Paged<any>>('/v1/workers?limit=10'), []);
  const offers = useLoad(() => get<Paged<any>>('/v1/offers?limit=500'), []);
  const placements = useLoad(() => get<{ items: any[] }>('/v1/placements'), []);
  const reports = has('/v1/reports/overview');
  const overview = useReport<OverviewReport>(reports ? '/v1/reports/overview' : undefined, []);
  const lifts = useWorkerLift();
  const [placement, setPlacement] = useState<string>();
  const chosen = placement ?? placements.data?.items[0]?.id;
  const lift = useReport<{ points: LiftPoint[]; asOf?: string }>(chosen ? `/v1/console/lift${qs({ placement: chosen, weeks: 8 })}` : undefined, [chosen]);

  const on = (workers.data?.items ?? []).filter((w) => w.status === 'on').length;
  const waiting = (workers.data?.items ?? []).reduce((s, w) => s + (w.counts?.waiting ?? 0), 0);
  const spend = (offers.data?.items ?? []).reduce((s, o) => s + (o.spentToday ?? 0), 0);
  const o = overview.data;
  const inc = o?.incremental.contributionTotal;
  const period = o ? `${o.since.slice(0, 10)} to ${o.until.slice(0, 10)}` : '';
  const none = o && o.metrics.length === 0 ? 'no worker has reached both groups yet' : period;
  const lastLift = [...(lift.data?.points ?? [])].reverse().find((p) => p.lift)?.lift;

  return (
    <Page title="Overview" actions={<AsOf report={overview} />}>
      <div className="kpis" data-testid="kpis">
        <Kpi label="Incremental contribution (workers)" value={signedMoney(inc?.estimate)} note={inc ? `95% CI ${signedMoney(inc.ciLow)} to ${signedMoney(inc.ciHigh)} vs the global control group` : reports ? 'vs the global control group' : 'worker reports not on this server'} />
        <Kpi label="Contribution" value={money(total(o, 'contribution'))} note={none} />
        <Kpi label="Discount spend" value={money(total(o, 'discount'))} note={`${money(spend)} today across ${offers.data?.items.length ?? 0} offers`} />
        <Kpi label="Messages sent" value={num(total(o, 'messages'))} note={none} />
        <Kpi label="Unsubscribes" value={num(total(o, 'unsubscribed'))} note={none} />
        <Kpi label="Placement lift per shopper" value={lastLift ? signedMoney(lastLift.estimate) : '–'} note={lastLift ? `95% CI ${signedMoney(lastLift.ciLow)} to ${signedMoney(lastLift.ciHigh)} · ${chosen}` : 'placements vs the global control group'} />
        <Kpi label="Workers on" value={`${on} / ${workers.data?.items.length ?? 0}${workers.data?.nextCursor ? '+' : ''}`} note={`${num(waiting)} journeys waiting`} />
      </div>
      {reports ? <WorkerSeries workers={(workers.data?.items ?? []).map((w) => ({ id: w.id, name: w.definition?.name ?? w.id }))} /> : null}
      <Card title={<>Incremental contribution vs holdout, by placement <select aria-label="Placement" value={chosen ?? ''} onChange={(e) => setPlacement(e.target.value)}>{(placements.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}</select><AsOf report={lift} /></>}>
        <Loading state={lift} />
        {lift.data ? <BandChart label="Incremental contribution per shopper with confidence band" empty="Not enough traffic in both the treated group and the global control group yet."
          points={lift.data.points.map((p) => ({ label: p.until.slice(5, 10), estimate: p.lift?.estimate ?? null, lo: p.lift?.ciLow ?? null, hi: p.lift?.ciHigh ?? null, note: `${num(p.units)} shoppers` }))} /> : null}
        <div className="muted small">Contribution per shopper exposed to the placement minus the global control group's, cumulative from eight weeks ago; the band is the 95% confidence interval.</div>
      </Card>
      <Card title="Workers">
        <Loading state={workers} />
        {workers.data && workers.data.items.length === 0 ? <Empty>No workers yet. <Link to="/workers/new">Create one from a playbook.</Link></Empty> : null}
        {workers.data && workers.data.items.length > 0 ? (
          <table className="table"><thead><tr><th>Worker</th><th>State</th><th>Holdout</th><th>Waiting</th><th>Done</th><th>Lift / shopper (95% CI)</th><th>Incremental contribution</th></tr></thead>
            <tbody>{workers.data.items.map((w) => {
              const l = lifts.byId.get(w.id);
              return (
                <tr key={w.id}><td><Link to={`/workers/${encodeURIComponent(w.id)}`}>{w.definition?.name ?? w.id}</Link></td><td><Badge tone={statusTone(w.status)}>{w.status}</Badge></td>
                  <td>{w.definition?.holdoutPct ?? 0}%</td><td>{num(w.counts?.waiting ?? 0)}</td><td>{num(w.counts?.done ?? 0)}</td>
                  <td>{l ? <LiftCell e={l.incremental.contributionPerShopper} /> : lifts.loading ? '…' : '–'}</td><td>{l ? <LiftCell e={l.incremental.contributionTotal} /> : lifts.loading ? '…' : '–'}</td></tr>
              );
            })}</tbody></table>
        ) : null}
        {workers.data?.nextCursor ? <Link to="/workers">All workers →</Link> : null}
      </Card>
      <Card title="Placements">
        <Loading state={placements} />
        <table className="table"><thead><tr><th>Placement</th><th>Kind</th><th>Mode</th><th>Action types</th></tr></thead>
          <tbody>{(placements.data?.items ?? []).map((p) => (
            <tr key={p.id}><td><Link to={`/decisions?placement=${encodeURIComponent(p.id)}`}>{p.id}</Link><div className="muted small">{p.description}</div></td><td>{p.kind}</td><td>{p.mode}</td><td>{(p.types ?? []).join(', ')}</td></tr>
          ))}</tbody></table>
      </Card>
    </Page>
  );
}
