import { useState } from 'react';
import { can, get, has, qs, type Principal } from '../api.ts';
import { Link } from '../router.tsx';
import { Badge, Card, Empty, Kpi, Loading, Page, money, num, statusTone, useLoad } from '../ui.tsx';
import { liftOf } from './workers.tsx';

interface LiftPoint { until: string; units: number; treated: number; control: number; lift: { estimate: number; ciLow: number; ciHigh: number } | null }

/** Incremental contribution per shopper over time, with its confidence band (SVG, no chart library). */
export function LiftChart({ points }: { points: LiftPoint[] }) {
  const W = 640, H = 220, P = 36;
  // A point without a finite estimate and interval is a gap, not a crash.
  points = points.map((p) => (p.lift && [p.lift.estimate, p.lift.ciLow, p.lift.ciHigh].every((v) => typeof v === 'number' && Number.isFinite(v)) ? p : { ...p, lift: null }));
  const known = points.filter((p) => p.lift);
  if (known.length === 0) return <Empty>Not enough traffic in both the treated group and the global control group yet.</Empty>;
  const lo = Math.min(0, ...known.map((p) => p.lift!.ciLow)), hi = Math.max(0, ...known.map((p) => p.lift!.ciHigh));
  const span = hi - lo || 1;
  const x = (i: number) => P + (i * (W - 2 * P)) / Math.max(1, points.length - 1);
  const y = (v: number) => H - P - ((v - lo) / span) * (H - 2 * P);
  const idx = points.map((p, i) => [p, i] as const).filter(([p]) => p.lift);
  const band = idx.map(([p, i]) => `${x(i)},${y(p.lift!.ciHigh)}`).concat([...idx].reverse().map(([p, i]) => `${x(i)},${y(p.lift!.ciLow)}`)).join(' ');
  const line = idx.map(([p, i]) => `${x(i)},${y(p.lift!.estimate)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label="Incremental contribution per shopper with confidence band">
      <line x1={P} x2={W - P} y1={y(0)} y2={y(0)} className="axis" />
      <polygon points={band} className="band" />
      <polyline points={line} className="line" />
      {idx.map(([p, i]) => <circle key={i} cx={x(i)} cy={y(p.lift!.estimate)} r={3} className="dot"><title>{`${p.until.slice(0, 10)}: ${p.lift!.estimate.toFixed(2)} [${p.lift!.ciLow.toFixed(2)}, ${p.lift!.ciHigh.toFixed(2)}]`}</title></circle>)}
      <text x={4} y={y(hi) + 4} className="tick">{hi.toFixed(2)}</text>
      <text x={4} y={y(lo) + 4} className="tick">{lo.toFixed(2)}</text>
      {points.map((p, i) => (i % 2 === points.length % 2 || i === points.length - 1 ? <text key={i} x={x(i)} y={H - 8} className="tick" textAnchor="middle">{p.until.slice(5, 10)}</text> : null))}
    </svg>
  );
}

export function Overview({ me }: { me: Principal }) {
  const workers = useLoad(() => get<{ items: any[] }>('/v1/workers'), []);
  const offers = useLoad(() => get<{ items: any[] }>('/v1/offers'), []);
  const placements = useLoad(() => get<{ items: any[] }>('/v1/placements'), []);
  const reports = useLoad(has('/v1/reports/workers') ? () => get<{ items: any[]; totals?: Record<string, number> }>('/v1/reports/workers') : undefined, []);
  const sent = useLoad(can.readShoppers(me) ? () => get<{ items: any[] }>('/v1/messages?status=sent&limit=200') : undefined, []);
  const [placement, setPlacement] = useState<string>();
  const chosen = placement ?? placements.data?.items[0]?.id;
  const lift = useLoad(chosen ? () => get<{ points: LiftPoint[] }>(`/v1/console/lift${qs({ placement: chosen, weeks: 8 })}`) : undefined, [chosen]);

  const on = (workers.data?.items ?? []).filter((w) => w.status === 'on').length;
  const waiting = (workers.data?.items ?? []).reduce((s, w) => s + (w.counts?.waiting ?? 0), 0);
  const spend = (offers.data?.items ?? []).reduce((s, o) => s + (o.spentToday ?? 0), 0);
  const totals = reports.data?.totals ?? {};
  const byWorker = new Map((reports.data?.items ?? []).map((r) => [r.workerId ?? r.id, r]));
  const lastLift = [...(lift.data?.points ?? [])].reverse().find((p) => p.lift && Number.isFinite(p.lift.estimate) && Number.isFinite(p.lift.ciLow) && Number.isFinite(p.lift.ciHigh))?.lift;

  return (
    <Page title="Overview">
      <div className="kpis" data-testid="kpis">
        <Kpi label="Incremental contribution / shopper" value={lastLift ? money(lastLift.estimate) : '–'} note={lastLift ? `95% CI ${money(lastLift.ciLow)} to ${money(lastLift.ciHigh)} · ${chosen}` : 'vs the global holdout'} />
        <Kpi label="Contribution" value={totals.contribution !== undefined ? money(totals.contribution) : '–'} note={reports.data ? 'all workers' : 'worker reports not on this server'} />
        <Kpi label="Discount spend today" value={money(spend)} note={`${offers.data?.items.length ?? 0} offers`} />
        <Kpi label="Messages sent" value={totals.messagesSent !== undefined ? num(totals.messagesSent) : sent.data ? (sent.data.items.length >= 200 ? '200+' : num(sent.data.items.length)) : '–'} note={totals.messagesSent !== undefined ? 'all workers' : 'recent'} />
        <Kpi label="Unsubscribes" value={totals.unsubscribes !== undefined ? num(totals.unsubscribes) : '–'} note={totals.unsubscribes !== undefined ? 'all workers' : 'needs worker reports'} />
        <Kpi label="Workers on" value={`${on} / ${workers.data?.items.length ?? 0}`} note={`${num(waiting)} journeys waiting`} />
      </div>
      <Card title={<>Incremental contribution vs holdout, by placement <select aria-label="Placement" value={chosen ?? ''} onChange={(e) => setPlacement(e.target.value)}>{(placements.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}</select></>}>
        <Loading state={lift} />
        {lift.data ? <LiftChart points={lift.data.points} /> : null}
        <div className="muted small">Contribution per shopper exposed to the placement minus the global control group's, cumulative from eight weeks ago; the band is the 95% confidence interval.</div>
      </Card>
      <Card title="Workers">
        <Loading state={workers} />
        {workers.data && workers.data.items.length === 0 ? <Empty>No workers yet. <Link to="/workers/new">Create one from a playbook.</Link></Empty> : null}
        {workers.data && workers.data.items.length > 0 ? (
          <table className="table"><thead><tr><th>Worker</th><th>State</th><th>Holdout</th><th>Waiting</th><th>Done</th><th>Lift</th></tr></thead>
            <tbody>{workers.data.items.map((w) => (
              <tr key={w.id}><td><Link to={`/workers/${encodeURIComponent(w.id)}`}>{w.definition?.name ?? w.id}</Link></td><td><Badge tone={statusTone(w.status)}>{w.status}</Badge></td>
                <td>{w.definition?.holdoutPct ?? 0}%</td><td>{num(w.counts?.waiting ?? 0)}</td><td>{num(w.counts?.done ?? 0)}</td><td>{liftOf(byWorker.get(w.id))}</td></tr>
            ))}</tbody></table>
        ) : null}
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
