/**
 * The simulator's latest comparison (GET /v1/simulations/latest, written by `braid simulate`): per
 * policy the incremental contribution vs no contact with its 95% CI, revenue, discount, messages
 * and unsubscribes; Braid's own holdout estimate vs the simulator's ground truth per seed; the
 * plots drawn from the result's series, and the run's PNG (fetched with the token: an <img> alone
 * could not send it).
 */
import { useEffect, useState } from 'react';
import { ApiError, get, has } from '../api.ts';
import { IntervalsVsTruth, LinesChart, POLICY_COLORS } from '../charts.tsx';
import { Badge, Card, Empty, Kpi, Loading, Page, money, num, useLoad, when } from '../ui.tsx';

interface Row { policy: string; incremental: { mean: number; ciLow: number | null; ciHigh: number | null }; contribution: number; revenue: number; discount: number; messagesPerShopper: number; unsubscribes: number }
interface Result {
  generatedAt: string; config: { shoppers: number; days: number; warmupDays: number; seeds: number; firstSeed: number; products: number; start: string };
  seconds: Record<string, number>; braidMails: number; figures: Record<string, number | null>; rows: Row[];
  estimates: Array<{ seed: number; truth: number; estimate: { estimate: number | null; ciLow: number | null; ciHigh: number | null; source: string } | null; covered: boolean | null }>;
  series?: { cumIncrementalContribution: Record<string, number[]>; cumDiscount: Record<string, number[]> };
}

const PATH = '/v1/simulations/latest';
const ratio = (x: number | null | undefined) => (typeof x === 'number' ? `${x.toFixed(2)}×` : '–');
const without = (s: Record<string, number[]>, k: string) => Object.fromEntries(Object.entries(s).filter(([p]) => p !== k));

/** The run's PNG as an object URL (the route needs the bearer token). */
function usePng(when: string | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!when) return;
    let live = true, made: string | undefined;
    const token = sessionStorage.getItem('braid.console.token');
    fetch(`${PATH}/report.png`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((r) => (r.ok ? r.blob() : undefined))
      .then((b) => { if (b && live) { made = URL.createObjectURL(b); setUrl(made); } })
      .catch(() => undefined);
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [when]);
  return url;
}

export function Simulator() {
  const available = has(PATH);
  const r = useLoad(available ? () => get<Result>(PATH) : undefined, []);
  const png = usePng(r.data?.generatedAt);
  const missing = r.error instanceof ApiError && r.error.status === 404;
  const x = r.data;
  return (
    <Page title="Simulator">
      {!available ? <Empty>The simulator is not part of this server.</Empty> : null}
      {missing ? <Empty>No simulation has run yet. Run <code>braid simulate</code> (see docs/simulator.md): it compares no contact, a weekly blast, rules and Braid on the same synthetic shoppers, and the latest comparison shows here.</Empty> : <Loading state={r} />}
      {x ? <>
        <div className="row muted small" data-testid="sim-run">
          {num(x.config.shoppers)} shoppers · {x.config.warmupDays} warm-up + {x.config.days} policy days · seeds {x.estimates.map((e) => e.seed).join(', ') || x.config.firstSeed} · run {when(x.generatedAt)} in {Math.round(x.seconds.total ?? 0)} s · {num(x.braidMails)} emails from Braid
        </div>
        <div className="kpis">
          <Kpi label="Braid vs rules" value={ratio(x.figures.braid_vs_rules)} note="incremental contribution" />
          <Kpi label="Braid vs blast" value={ratio(x.figures.braid_vs_blast)} note="incremental contribution" />
          <Kpi label="Discount, Braid vs rules" value={ratio(x.figures.discount_braid_vs_rules)} />
          <Kpi label="Messages, Braid vs rules" value={ratio(x.figures.msgs_braid_vs_rules)} />
          <Kpi label="CI coverage" value={x.figures.ci_coverage === null || x.figures.ci_coverage === undefined ? '–' : `${Math.round(x.figures.ci_coverage * 100)}%`} note="Braid's interval covers the truth" />
        </div>
        <Card title="Policies (mean over seeds)">
          <table className="table" data-testid="sim-policies">
            <thead><tr><th>Policy</th><th>Incremental contribution vs no contact</th><th>95% CI</th><th>Contribution</th><th>Revenue</th><th>Discount spend</th><th>Messages / shopper</th><th>Unsubscribes</th></tr></thead>
            <tbody>{x.rows.map((p) => (
              <tr key={p.policy}><td><b style={{ color: POLICY_COLORS[p.policy] }}>{p.policy}</b></td><td>{money(p.incremental.mean)}</td><td>{p.incremental.ciLow === null ? '–' : `[${money(p.incremental.ciLow)}, ${money(p.incremental.ciHigh)}]`}</td>
                <td>{money(p.contribution)}</td><td>{money(p.revenue)}</td><td>{money(p.discount)}</td><td>{p.messagesPerShopper.toFixed(2)}</td><td>{p.unsubscribes.toFixed(1)}</td></tr>
            ))}</tbody>
          </table>
          <div className="muted small">Contribution = revenue − COGS − discount − returns handling. Incremental is against the no-contact run of the same seed (common random numbers).</div>
        </Card>
        <Card title="Braid's own estimate vs the truth">
          <table className="table" data-testid="sim-estimates">
            <thead><tr><th>Seed</th><th>Truth (Braid − no contact)</th><th>Braid's estimate</th><th>95% CI</th><th>Covers the truth</th><th>Source</th></tr></thead>
            <tbody>{x.estimates.map((e) => (
              <tr key={e.seed}><td>{e.seed}</td><td>{money(e.truth)}</td><td>{money(e.estimate?.estimate)}</td><td>{e.estimate?.ciLow === null || !e.estimate ? '–' : `[${money(e.estimate.ciLow)}, ${money(e.estimate.ciHigh)}]`}</td>
                <td>{e.covered === null ? <Badge tone="muted">n/a</Badge> : <Badge tone={e.covered ? 'good' : 'bad'}>{e.covered ? 'yes' : 'no'}</Badge>}</td><td className="small">{e.estimate?.source ?? 'none'}</td></tr>
            ))}</tbody>
          </table>
        </Card>
        <div className="grid2">
          {x.series ? <Card title="Cumulative incremental contribution vs no contact"><LinesChart series={without(x.series.cumIncrementalContribution, 'none')} label="Cumulative incremental contribution per policy" /></Card> : null}
          {x.series ? <Card title="Cumulative discount spend"><LinesChart series={without(x.series.cumDiscount, 'none')} label="Cumulative discount spend per policy" /></Card> : null}
          <Card title="Estimate (green, 95% CI) vs truth (black)">
            <IntervalsVsTruth label="Braid's holdout estimate vs ground truth per seed" items={x.estimates.map((e) => ({ label: `seed ${e.seed}`, truth: e.truth, estimate: e.estimate?.estimate ?? null, lo: e.estimate?.ciLow ?? null, hi: e.estimate?.ciHigh ?? null }))} />
          </Card>
          {png ? <Card title="The run's plots"><a href={png} download="simulation.png">Download the PNG</a><img className="plot" src={png} alt="Simulation plots: cumulative incremental contribution, discount spend, estimate vs truth" /></Card> : null}
        </div>
      </> : null}
    </Page>
  );
}
