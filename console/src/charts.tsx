/** Charts as plain SVG (no chart library): an estimate with its confidence band over time, lines per series, intervals vs truth. */
import { Empty } from './ui.tsx';

export interface BandPoint { label: string; estimate: number | null; lo: number | null; hi: number | null; note?: string }

const finite = (...xs: Array<number | null | undefined>) => xs.every((v) => typeof v === 'number' && Number.isFinite(v));
const short = (v: number) => (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(Math.abs(v) < 10 ? 2 : 0));

/** An estimate over time with its confidence band; points without a finite estimate and interval are gaps. */
export function BandChart({ points, label, empty }: { points: BandPoint[]; label: string; empty?: string }) {
  const W = 640, H = 220, P = 40;
  const known = points.map((p, i) => [p, i] as const).filter(([p]) => finite(p.estimate, p.lo, p.hi));
  if (known.length === 0) return <Empty>{empty ?? 'Not enough traffic in both groups yet.'}</Empty>;
  const lo = Math.min(0, ...known.map(([p]) => p.lo!)), hi = Math.max(0, ...known.map(([p]) => p.hi!));
  const span = hi - lo || 1;
  const x = (i: number) => P + (i * (W - 2 * P)) / Math.max(1, points.length - 1);
  const y = (v: number) => H - P - ((v - lo) / span) * (H - 2 * P);
  const band = known.map(([p, i]) => `${x(i)},${y(p.hi!)}`).concat([...known].reverse().map(([p, i]) => `${x(i)},${y(p.lo!)}`)).join(' ');
  const line = known.map(([p, i]) => `${x(i)},${y(p.estimate!)}`).join(' ');
  const every = Math.max(1, Math.ceil(points.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={label}>
      <line x1={P} x2={W - P} y1={y(0)} y2={y(0)} className="axis" />
      <polygon points={band} className="band" />
      <polyline points={line} className="line" />
      {known.map(([p, i]) => <line key={`w${i}`} x1={x(i)} x2={x(i)} y1={y(p.lo!)} y2={y(p.hi!)} className="whisker" />)}
      {known.map(([p, i]) => <circle key={i} cx={x(i)} cy={y(p.estimate!)} r={3} className="dot"><title>{`${p.label}: ${p.estimate!.toFixed(2)} [${p.lo!.toFixed(2)}, ${p.hi!.toFixed(2)}]${p.note ? ` · ${p.note}` : ''}`}</title></circle>)}
      <text x={4} y={y(hi) + 4} className="tick">{short(hi)}</text>
      <text x={4} y={y(lo) + 4} className="tick">{short(lo)}</text>
      {points.map((p, i) => ((points.length - 1 - i) % every === 0 ? <text key={i} x={x(i)} y={H - 8} className="tick" textAnchor="middle">{p.label}</text> : null))}
    </svg>
  );
}

export const POLICY_COLORS: Record<string, string> = { none: '#787878', blast: '#d6604d', rules: '#4393c3', braid: '#1b9e77' };

/** One line per series (same length), labelled at its end. */
export function LinesChart({ series, label, colors = POLICY_COLORS }: { series: Record<string, number[]>; label: string; colors?: Record<string, string> }) {
  const W = 560, H = 240, L = 56, R = 70, T = 14, B = 26;
  const names = Object.keys(series).filter((k) => series[k]!.length > 0);
  const all = names.flatMap((k) => series[k]!);
  if (all.length === 0) return <Empty>No series to plot.</Empty>;
  const lo = Math.min(0, ...all), hi = Math.max(1, ...all);
  const n = Math.max(1, ...names.map((k) => series[k]!.length - 1));
  const x = (i: number) => L + (i * (W - L - R)) / n;
  const y = (v: number) => H - B - ((v - lo) / (hi - lo || 1)) * (H - T - B);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={label}>
      <line x1={L} x2={W - R} y1={y(0)} y2={y(0)} className="axis" />
      {names.map((k) => (
        <g key={k}>
          <polyline points={series[k]!.map((v, i) => `${x(i)},${y(v)}`).join(' ')} fill="none" stroke={colors[k] ?? '#3b5bdb'} strokeWidth={2} />
          <text x={W - R + 6} y={y(series[k]![series[k]!.length - 1]!) + 4} className="tick" fill={colors[k]}>{k}</text>
        </g>
      ))}
      <text x={L - 6} y={y(hi) + 4} className="tick" textAnchor="end">{short(hi)}</text>
      <text x={L - 6} y={y(lo) + 4} className="tick" textAnchor="end">{short(lo)}</text>
      <text x={W - R} y={H - 6} className="tick" textAnchor="end">day {n + 1}</text>
    </svg>
  );
}

/** Per item an estimate with its interval (green) beside the truth (black square). */
export function IntervalsVsTruth({ items, label }: { items: Array<{ label: string; truth: number; estimate: number | null; lo: number | null; hi: number | null }>; label: string }) {
  const W = 560, H = 240, L = 56, T = 14, B = 26;
  if (items.length === 0) return <Empty>No estimates.</Empty>;
  const vals = items.flatMap((e) => [e.truth, e.lo ?? e.truth, e.hi ?? e.truth, e.estimate ?? e.truth]);
  const lo = Math.min(0, ...vals), hi = Math.max(1, ...vals);
  const y = (v: number) => H - B - ((v - lo) / (hi - lo || 1)) * (H - T - B);
  const x = (i: number) => L + (i + 0.5) * (W - L - 20) / items.length;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={label}>
      <line x1={L} x2={W - 20} y1={y(0)} y2={y(0)} className="axis" />
      {items.map((e, i) => (
        <g key={i}>
          {e.estimate !== null ? <><line x1={x(i) - 8} x2={x(i) - 8} y1={y(e.lo ?? e.estimate)} y2={y(e.hi ?? e.estimate)} stroke={POLICY_COLORS.braid} strokeWidth={3} />
            <circle cx={x(i) - 8} cy={y(e.estimate)} r={4} fill={POLICY_COLORS.braid}><title>{`estimate ${e.estimate.toFixed(0)}`}</title></circle></> : null}
          <rect x={x(i) + 3} y={y(e.truth) - 4} width={8} height={8} fill="#222"><title>{`truth ${e.truth.toFixed(0)}`}</title></rect>
          <text x={x(i)} y={H - 8} className="tick" textAnchor="middle">{e.label}</text>
        </g>
      ))}
      <text x={L - 6} y={y(hi) + 4} className="tick" textAnchor="end">{short(hi)}</text>
      <text x={L - 6} y={y(lo) + 4} className="tick" textAnchor="end">{short(lo)}</text>
    </svg>
  );
}
