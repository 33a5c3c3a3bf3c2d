/**
 * Uplift targeting (docs/proof.md): how well a model ranks shoppers by their incremental response,
 * measured on a held-out half. A worker with `entry.uplift` (GET /v1/reports/workers/{id}/uplift)
 * or an imported experiment (GET /v1/reports/experiments/{id}/uplift) shows its Qini curve against
 * random targeting, the Qini coefficient, AUUC and the uplift among the top 30% vs random.
 */
import { useState, type FormEvent } from 'react';
import { get, qs } from '../api.ts';
import { Card, Empty, Kpi, Loading, num, useLoad, when } from '../ui.tsx';

export interface CurvePoint { fraction: number; qini: number | null; uplift: number | null }
interface Evaluation {
  train: { units: number; treated: number; control: number }; test: { units: number; treated: number; control: number };
  qiniCoefficient: number | null; qiniArea: number | null; qiniAreaRandom: number | null; auuc: number | null; auucRandom: number | null;
  averageTreatmentEffect: number | null; topFraction: number; upliftAtTop: number | null; randomUpliftAtTop?: number | null; curve: CurvePoint[];
}
interface WorkerEvaluation extends Evaluation { minScore: number; admittedShare: number | null; upliftAdmitted: number | null; upliftSkipped: number | null }
interface WorkerUpliftReport {
  since: string; until: string;
  spec: { minScore: number; outcome: string; model: string; explorePct: number; minUnits: number; retrainHours: number } | null;
  model: { trainedAt: string; outcome: string; method: string; features: string[]; evaluation: WorkerEvaluation } | null;
  admissions: Array<{ admitted: string; arm: string; n: number }>;
}
interface ExperimentUpliftReport extends Evaluation { treatment: string; control: string; outcome: string; kind: string; features: string[] }

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fx = (v: number | null | undefined, d = 3) => (finite(v) ? v.toFixed(d) : '–');
const pctOf = (v: number | null | undefined) => (finite(v) ? `${(v * 100).toFixed(0)}%` : '–');

/**
 * The Qini curve: incremental responders per unit (treated responders minus control responders
 * scaled to the treated count, over all units) when targeting the top fraction by model score,
 * beside random targeting (the straight line to the same end point) and the top-k cut.
 */
export function QiniChart({ curve, topFraction, label }: { curve: CurvePoint[]; topFraction: number; label: string }) {
  const pts = curve.filter((p) => finite(p.qini)) as Array<{ fraction: number; qini: number }>;
  if (pts.length < 2) return <Empty>No curve: the test half needs shoppers in both arms.</Empty>;
  const W = 560, H = 240, L = 56, R = 90, T = 14, B = 30;
  const end = pts[pts.length - 1]!;
  const lo = Math.min(0, ...pts.map((p) => p.qini)), hi = Math.max(0, ...pts.map((p) => p.qini), end.qini);
  const x = (f: number) => L + f * (W - L - R);
  const y = (v: number) => H - B - ((v - lo) / (hi - lo || 1)) * (H - T - B);
  const at = (f: number) => pts.reduce((a, p) => (p.fraction <= f ? p : a), pts[0]!).qini;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={label}>
      <line x1={L} x2={W - R} y1={y(0)} y2={y(0)} className="axis" />
      <line x1={x(topFraction)} x2={x(topFraction)} y1={T} y2={H - B} className="axis" />
      <text x={x(topFraction) + 4} y={T + 10} className="tick">top {(topFraction * 100).toFixed(0)}%</text>
      <line x1={x(0)} y1={y(0)} x2={x(end.fraction)} y2={y(end.qini)} stroke="#787878" strokeWidth={2} strokeDasharray="6 4" data-series="random" />
      <polyline points={pts.map((p) => `${x(p.fraction)},${y(p.qini)}`).join(' ')} className="line" data-series="model" />
      {pts.map((p, i) => <circle key={i} cx={x(p.fraction)} cy={y(p.qini)} r={3} className="dot"><title>{`top ${(p.fraction * 100).toFixed(0)}%: ${p.qini.toFixed(4)} incremental per unit`}</title></circle>)}
      <text x={W - R + 6} y={y(at(1)) + 4} className="tick" fill="var(--accent)">model</text>
      <text x={W - R + 6} y={y(end.qini) + 16} className="tick">random</text>
      <text x={L - 6} y={y(hi) + 4} className="tick" textAnchor="end">{hi.toFixed(3)}</text>
      <text x={L - 6} y={y(lo) + 4} className="tick" textAnchor="end">{lo.toFixed(3)}</text>
      <text x={L} y={H - 8} className="tick">0%</text>
      <text x={W - R} y={H - 8} className="tick" textAnchor="end">100% of shoppers targeted, by score</text>
    </svg>
  );
}

function EvaluationView({ e, unit, testId }: { e: Evaluation; unit: string; testId: string }) {
  const random = e.randomUpliftAtTop ?? e.averageTreatmentEffect;
  return (
    <div data-testid={testId}>
      <div className="kpis">
        <Kpi label="Qini coefficient" value={fx(e.qiniCoefficient)} note="0 = random targeting, 1 = perfect" />
        <Kpi label="AUUC" value={fx(e.auuc)} note={`random ${fx(e.auucRandom)}`} />
        <Kpi label={`Uplift in the top ${pctOf(e.topFraction)}`} value={fx(e.upliftAtTop)} note={`random targeting ${fx(random)} (${unit})`} />
        <Kpi label="Test half" value={num(e.test.units)} note={`${num(e.test.treated)} treated · ${num(e.test.control)} control · trained on ${num(e.train.units)}`} />
      </div>
      <QiniChart curve={e.curve} topFraction={e.topFraction} label="Qini curve of the uplift model against random targeting" />
      <div className="muted small">Shoppers of the held-out half ranked by the model's predicted uplift: the curve is the incremental {unit} per shopper gained by treating the top share; the dashed line is random targeting. Area between them is the model's value.</div>
    </div>
  );
}

/** A worker's uplift targeting: its model on the held-out half, and how journeys were admitted. */
export function WorkerUplift({ id }: { id: string }) {
  const r = useLoad(() => get<WorkerUpliftReport>(`/v1/reports/workers/${encodeURIComponent(id)}/uplift`), [id]);
  const x = r.data;
  const unit = x?.spec?.outcome === 'revenue' ? 'revenue ($)' : 'conversions';
  return (
    <Card title="Uplift targeting">
      <Loading state={r} />
      {x && !x.spec ? <Empty>This worker does not target by uplift (no <code>entry.uplift</code>): everyone who triggers it enters.</Empty> : null}
      {x?.spec ? <div className="muted small" data-testid="uplift-spec">Admits shoppers whose predicted {x.spec.outcome} uplift is at least {x.spec.minScore} ({x.spec.model.replace('_', ' ')} model, {x.spec.explorePct}% explore, retrained every {x.spec.retrainHours} h from at least {num(x.spec.minUnits)} closed journeys)</div> : null}
      {x?.spec && !x.model ? <Empty>No model yet: everyone enters (and is split into treated and holdout) until {num(x.spec.minUnits)} journeys have closed.</Empty> : null}
      {x?.model ? <>
        <div className="muted small">Model trained {when(x.model.trainedAt)} on {x.model.features.length} features · at the threshold it admits {pctOf(x.model.evaluation.admittedShare)} of the test half: uplift {fx(x.model.evaluation.upliftAdmitted)} among them, {fx(x.model.evaluation.upliftSkipped)} among the skipped</div>
        <EvaluationView e={x.model.evaluation} unit={unit} testId="worker-uplift" />
      </> : null}
      {x && x.admissions.length > 0 ? (
        <table className="table" data-testid="uplift-admissions"><thead><tr><th>Admitted by</th><th>Arm</th><th>Journeys</th></tr></thead>
          <tbody>{x.admissions.map((a) => <tr key={`${a.admitted}-${a.arm}`}><td>{a.admitted.replace('_', ' ')}</td><td>{a.arm}</td><td>{num(a.n)}</td></tr>)}</tbody></table>
      ) : null}
    </Card>
  );
}

/** An imported experiment's uplift model: pick the arms and the outcome, read the Qini curve. */
export function ExperimentUplift({ experiment }: { experiment: { id: string; outcomes: string[]; covariates: string[]; control: string | null; arms: Array<{ arm: string }> } }) {
  const arms = experiment.arms.map((a) => a.arm);
  const control0 = experiment.control ?? arms[0] ?? '';
  const [form, setForm] = useState({ control: control0, treatment: arms.find((a) => a !== control0) ?? '', outcome: experiment.outcomes[0] ?? '' });
  const [asked, setAsked] = useState<typeof form>();
  const r = useLoad(asked ? () => get<ExperimentUpliftReport>(`/v1/reports/experiments/${encodeURIComponent(experiment.id)}/uplift${qs(asked)}`) : undefined, [asked]);
  if (experiment.covariates.length === 0) return <Empty>Uplift models need pre-assignment covariates: this experiment was imported without any.</Empty>;
  const submit = (e: FormEvent) => { e.preventDefault(); setAsked({ ...form }); };
  const pick = (k: keyof typeof form, options: string[]) => (
    <label>{k}<select name={k} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })}>{options.map((o) => <option key={o} value={o}>{o}</option>)}</select></label>
  );
  return (
    <div>
      <h3>Uplift targeting</h3>
      <form className="filters" aria-label="Uplift model" onSubmit={submit}>
        {pick('treatment', arms)}{pick('control', arms)}{pick('outcome', experiment.outcomes)}
        <button type="submit">Fit uplift model</button>
      </form>
      <div className="muted small">A two-model uplift regression on {experiment.covariates.join(', ')}, trained on half the units and measured on the other half.</div>
      <Loading state={r} />
      {r.data ? <EvaluationView e={r.data} unit={r.data.outcome} testId="experiment-uplift" /> : null}
    </div>
  );
}
