/**
 * A worker's A/B/n arms (GET /v1/reports/workers/{id}/arms): per arm the shoppers against the
 * intended split (SRM), conversion and contribution per shopper, and each arm's lift over the
 * control arm and over the worker holdout with 95% intervals. Shown only for workers whose
 * definition has arms (the route answers 400 for a worker without any).
 */
import { useState } from 'react';
import { get, qs } from '../api.ts';
import { Badge, Card, Empty, Loading, ci, num, signedMoney, useLoad, type Interval } from '../ui.tsx';
import { LiftCell } from './worker-report.tsx';

interface Incremental { contributionPerShopper: Interval | null; contributionTotal: Interval | null; conversionRate: Interval | null }
interface Metric { metric: string; arms: Array<{ arm: string; n: number; mean: number | null }> }
interface ArmsReport {
  experiment: { key: string; steps: string[]; arms: Array<{ name: string; weight: number }> };
  control: string;
  units: { total: number; holdout: number; assigned: number; unassigned: number };
  arms: Array<{ arm: string; n: number; share: number; expectedShare: number }>;
  srm: { pValue: number | null; mismatch: boolean } | null;
  metrics: Metric[];
  vsControl: Array<{ arm: string } & Incremental>;
  vsHoldout: Array<{ arm: string; incremental: Incremental }>;
}

/** Experiment keys of a definition's steps with arms: the shared `experiment`, else the step id. */
export function experimentKeys(steps: Array<{ id?: string; arms?: unknown; experiment?: string }> | undefined): string[] {
  const keys = (steps ?? []).filter((s) => Array.isArray(s.arms) && s.arms.length > 0).map((s) => s.experiment ?? s.id ?? '');
  return [...new Set(keys.filter((k) => k !== ''))];
}

const pct = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '–');
const pts = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n * 100).toFixed(1)} pts` : '–');

export function ArmsCard({ id, keys }: { id: string; keys: string[] }) {
  const [experiment, setExperiment] = useState(keys[0]);
  const r = useLoad(() => get<ArmsReport>(`/v1/reports/workers/${encodeURIComponent(id)}/arms${qs({ experiment })}`), [id, experiment]);
  const x = r.data;
  const mean = (metric: string, arm: string) => x?.metrics.find((m) => m.metric === metric)?.arms.find((a) => a.arm === arm)?.mean;
  return (
    <Card title={<>A/B/n arms {keys.length > 1 ? (
      <select aria-label="Experiment" value={experiment} onChange={(e) => setExperiment(e.target.value)}>{keys.map((k) => <option key={k} value={k}>{k}</option>)}</select>
    ) : <span className="muted">({experiment})</span>}</>}>
      <Loading state={r} />
      {x && x.units.assigned === 0 ? <Empty>No treated shopper has entered with an arm of this experiment yet.</Empty> : null}
      {x && x.units.assigned > 0 ? (
        <>
          <div className="row muted small">
            {num(x.units.assigned)} shoppers with an arm · {num(x.units.holdout)} in the worker holdout{x.units.unassigned ? ` · ${num(x.units.unassigned)} entered before the experiment` : ''}
            {' · '}{x.srm ? <Badge tone={x.srm.mismatch ? 'bad' : 'good'}>{x.srm.mismatch ? 'sample ratio mismatch: do not trust the lifts' : 'split as intended'}</Badge> : <Badge tone="muted">too few shoppers for a split check</Badge>}
          </div>
          <table className="table" data-testid="arms">
            <thead><tr><th>Arm</th><th>Shoppers (intended)</th><th>Conversion</th><th>Contribution / shopper</th><th>vs {x.control} (95% CI)</th><th>vs holdout (95% CI)</th></tr></thead>
            <tbody>{x.arms.map((a) => {
              const c = x.vsControl.find((v) => v.arm === a.arm);
              const h = x.vsHoldout.find((v) => v.arm === a.arm)?.incremental;
              return (
                <tr key={a.arm}>
                  <td>{a.arm}{a.arm === x.control ? <span className="muted small"> (control)</span> : null}</td>
                  <td>{num(a.n)} ({pct(a.share)} of {pct(a.expectedShare)})</td>
                  <td>{pct(mean('converted', a.arm))}{c?.conversionRate ? <span className="muted small"> {ci(c.conversionRate, pts)}</span> : null}</td>
                  <td>{signedMoney(mean('contribution', a.arm))}</td>
                  <td>{a.arm === x.control ? '–' : <LiftCell e={c?.contributionPerShopper} />}</td>
                  <td><LiftCell e={h?.contributionPerShopper} /></td>
                </tr>
              );
            })}</tbody>
          </table>
          <div className="muted small">Shoppers at their first entry; contribution per shopper entered. Steps: {x.experiment.steps.join(', ')}.</div>
        </>
      ) : null}
    </Card>
  );
}
