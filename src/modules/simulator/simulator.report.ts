/**
 * The comparison written as files: result JSON, an HTML report with inline SVG plots (cumulative
 * contribution per policy, discount spend, Braid's estimate vs the truth) and the same three plots
 * as one PNG (drawn by simulator.png.ts). No network, no browser.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Canvas, type Rgb } from './simulator.png.ts';
import { POLICIES, type PolicyName } from './simulator.summary.ts';
import type { Simulation } from './simulator.simulate.ts';

const COLORS: Record<PolicyName, Rgb> = { none: [120, 120, 120], blast: [214, 96, 77], rules: [67, 147, 195], braid: [27, 158, 119] };
const hex = (c: Rgb) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
const money = (x: number | null) => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));

/** Mean over seeds of each policy's cumulative series, minus no contact's (incremental). */
function series(sim: Simulation, pick: 'cumContribution' | 'cumDiscount', incremental: boolean): Record<PolicyName, number[]> {
  const out = {} as Record<PolicyName, number[]>;
  for (const p of POLICIES) {
    const days = sim.config.days;
    out[p] = Array.from({ length: days }, (_, d) => sim.results.reduce((a, r) => a + (r.books[p][pick][d] ?? 0) - (incremental ? (r.books.none[pick][d] ?? 0) : 0), 0) / Math.max(1, sim.results.length));
  }
  return out;
}

interface Panel { x: number; y: number; w: number; h: number }
const scale = (lo: number, hi: number, a: number, b: number) => (v: number) => (hi === lo ? (a + b) / 2 : a + (v - lo) * (b - a) / (hi - lo));

function svgLines(data: Record<PolicyName, number[]>, title: string, policies: readonly PolicyName[]): string {
  const W = 560, H = 260, m = { l: 70, r: 110, t: 28, b: 30 };
  const all = policies.flatMap((p) => data[p]);
  const lo = Math.min(0, ...all), hi = Math.max(1, ...all);
  const n = Math.max(1, data[policies[0]!].length - 1);
  const X = scale(0, n, m.l, W - m.r), Y = scale(lo, hi, H - m.b, m.t);
  const paths = policies.map((p) => `<polyline fill="none" stroke="${hex(COLORS[p])}" stroke-width="2" points="${data[p].map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join(' ')}"/>`
    + `<text x="${W - m.r + 6}" y="${Y(data[p][data[p].length - 1] ?? 0).toFixed(1)}" font-size="12" fill="${hex(COLORS[p])}">${p}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><text x="${m.l}" y="16" font-size="14">${esc(title)}</text>`
    + `<line x1="${m.l}" y1="${Y(0)}" x2="${W - m.r}" y2="${Y(0)}" stroke="#bbb"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#bbb"/>`
    + `<text x="${m.l - 6}" y="${Y(hi) + 4}" font-size="11" text-anchor="end">${money(hi)}</text><text x="${m.l - 6}" y="${Y(lo) + 4}" font-size="11" text-anchor="end">${money(lo)}</text>`
    + `<text x="${W - m.r}" y="${H - 10}" font-size="11" text-anchor="end">day ${n + 1}</text>${paths}</svg>`;
}

function svgEstimates(sim: Simulation): string {
  const W = 560, H = 260, m = { l: 70, r: 30, t: 28, b: 30 };
  const es = sim.comparison.estimates;
  const vals = es.flatMap((e) => [e.truth, e.estimate?.ciLow ?? e.truth, e.estimate?.ciHigh ?? e.truth]);
  const lo = Math.min(0, ...vals), hi = Math.max(1, ...vals);
  const X = (i: number) => m.l + (i + 0.5) * (W - m.l - m.r) / Math.max(1, es.length), Y = scale(lo, hi, H - m.b, m.t);
  const marks = es.map((e, i) => {
    const est = e.estimate && e.estimate.estimate !== null
      ? `<line x1="${X(i) - 8}" x2="${X(i) - 8}" y1="${Y(e.estimate.ciLow ?? e.estimate.estimate)}" y2="${Y(e.estimate.ciHigh ?? e.estimate.estimate)}" stroke="${hex(COLORS.braid)}" stroke-width="2"/><circle cx="${X(i) - 8}" cy="${Y(e.estimate.estimate)}" r="4" fill="${hex(COLORS.braid)}"/>` : '';
    return `${est}<rect x="${X(i) + 4}" y="${Y(e.truth) - 4}" width="8" height="8" fill="#222"/><text x="${X(i)}" y="${H - 10}" font-size="11" text-anchor="middle">seed ${e.seed}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><text x="${m.l}" y="16" font-size="14">Braid's holdout estimate (green, 95% CI) vs ground truth (black)</text>`
    + `<line x1="${m.l}" y1="${Y(0)}" x2="${W - m.r}" y2="${Y(0)}" stroke="#bbb"/><text x="${m.l - 6}" y="${Y(hi) + 4}" font-size="11" text-anchor="end">${money(hi)}</text><text x="${m.l - 6}" y="${Y(lo) + 4}" font-size="11" text-anchor="end">${money(lo)}</text>${marks}</svg>`;
}

const AXIS: Rgb = [190, 190, 190], INK: Rgb = [60, 60, 60];
const dollars = (x: number) => (x < 0 ? '-$' : '$') + money(Math.abs(x));

/** A panel's frame: its title above, the zero line, and the top and bottom of its scale at the left. */
function drawFrame(c: Canvas, p: Panel, title: string, lo: number, hi: number, Y: (v: number) => number): void {
  c.text(p.x, p.y - 22, title, INK, { scale: 2 });
  c.line(p.x, Y(0), p.x + p.w, Y(0), AXIS); c.line(p.x, p.y, p.x, p.y + p.h, AXIS);
  c.text(p.x - 4, Y(hi), dollars(hi), INK, { align: 'right' });
  c.text(p.x - 4, Y(lo) - 7, dollars(lo), INK, { align: 'right' });
}

function drawLines(c: Canvas, p: Panel, title: string, data: Record<PolicyName, number[]>, policies: readonly PolicyName[]): void {
  const all = policies.flatMap((k) => data[k]);
  const lo = Math.min(0, ...all), hi = Math.max(1, ...all);
  const n = Math.max(1, data[policies[0]!].length - 1);
  const X = scale(0, n, p.x, p.x + p.w), Y = scale(lo, hi, p.y + p.h, p.y);
  drawFrame(c, p, title, lo, hi, Y);
  c.text(p.x, p.y + p.h + 6, 'day 1', INK); c.text(p.x + p.w, p.y + p.h + 6, `day ${n + 1}`, INK, { align: 'right' });
  for (const k of policies) { const d = data[k]; for (let i = 1; i < d.length; i++) c.line(X(i - 1), Y(d[i - 1]!), X(i), Y(d[i]!), COLORS[k], 2); }
  policies.forEach((k, i) => { c.rect(p.x + p.w + 8, p.y + 10 + i * 18, 10, 10, COLORS[k]); c.text(p.x + p.w + 22, p.y + 11 + i * 18, k, COLORS[k]); });
}

/** The same three plots as the HTML's SVGs, labelled in the bitmap font. */
export function renderPng(sim: Simulation): Buffer {
  const c = new Canvas(1240, 380);
  drawLines(c, { x: 70, y: 44, w: 280, h: 290 }, 'incremental contribution', series(sim, 'cumContribution', true), ['blast', 'rules', 'braid']);
  drawLines(c, { x: 480, y: 44, w: 280, h: 290 }, 'discount spend', series(sim, 'cumDiscount', false), ['blast', 'rules', 'braid']);
  const es = sim.comparison.estimates, p = { x: 890, y: 44, w: 330, h: 290 };
  const vals = es.flatMap((e) => [e.truth, e.estimate?.ciLow ?? e.truth, e.estimate?.ciHigh ?? e.truth]);
  const lo = Math.min(0, ...vals), hi = Math.max(1, ...vals);
  const Y = scale(lo, hi, p.y + p.h, p.y);
  drawFrame(c, p, 'estimate vs truth', lo, hi, Y);
  c.rect(p.x + 8, p.y + p.h + 24, 9, 9, COLORS.braid); c.text(p.x + 22, p.y + p.h + 25, "Braid's estimate, 95% CI", COLORS.braid);
  c.rect(p.x + 190, p.y + p.h + 24, 9, 9, [30, 30, 30]); c.text(p.x + 204, p.y + p.h + 25, 'truth', INK);
  es.forEach((e, i) => {
    const x = p.x + (i + 0.5) * p.w / Math.max(1, es.length);
    const est = e.estimate;
    if (est && est.estimate !== null) { c.line(x - 6, Y(est.ciLow ?? est.estimate), x - 6, Y(est.ciHigh ?? est.estimate), COLORS.braid, 3); c.rect(x - 10, Y(est.estimate) - 4, 9, 9, COLORS.braid); }
    c.rect(x + 2, Y(e.truth) - 4, 9, 9, [30, 30, 30]);
    c.text(x, p.y + p.h + 6, `seed ${e.seed}`, INK, { align: 'center' });
  });
  return c.png();
}

export function renderHtml(sim: Simulation, generatedAt: string): string {
  const cmp = sim.comparison;
  const rows = cmp.rows.map((r) => `<tr><td style="color:${hex(COLORS[r.policy])}"><b>${r.policy}</b></td><td>${money(r.incremental.mean)}</td><td>[${money(r.incremental.ciLow)}, ${money(r.incremental.ciHigh)}]</td>`
    + `<td>${money(r.revenue)}</td><td>${money(r.discount)}</td><td>${r.messagesPerShopper.toFixed(2)}</td><td>${r.unsubscribes.toFixed(1)}</td></tr>`).join('');
  const est = cmp.estimates.map((e) => `<tr><td>${e.seed}</td><td>${money(e.truth)}</td><td>${money(e.estimate?.estimate ?? null)}</td><td>[${money(e.estimate?.ciLow ?? null)}, ${money(e.estimate?.ciHigh ?? null)}]</td><td>${e.covered === null ? 'n/a' : e.covered ? 'yes' : 'no'}</td><td>${esc(e.estimate?.source ?? 'none')}</td></tr>`).join('');
  const cfg = sim.config;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Braid shopper simulation</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}code{background:#f4f4f4;padding:1px 4px}</style></head><body>
<h1>Shopper simulation</h1>
<p>${cfg.shoppers.toLocaleString('en-US')} shoppers, ${cfg.warmupDays} warm-up days + ${cfg.days} policy days, seeds ${cmp.seeds.join(', ')}. Generated ${esc(generatedAt)} in ${Math.round(sim.seconds.total)} s.
Baselines run inside the simulator; Braid runs through its public HTTP interfaces. The world model is described in docs/simulator.md.</p>
<h2>Policies (mean over seeds; contribution = revenue − COGS − discount − returns handling)</h2>
<table><tr><th>policy</th><th>incremental contribution vs no contact</th><th>95% CI</th><th>revenue</th><th>discount spend</th><th>messages / shopper</th><th>unsubscribes</th></tr>${rows}</table>
<p><code>${esc(JSON.stringify(cmp.figures))}</code></p>
<h2>Braid's own holdout estimate vs the simulator's ground truth</h2>
<table><tr><th>seed</th><th>truth (Braid − no contact)</th><th>Braid's estimate</th><th>95% CI</th><th>covers truth</th><th>source</th></tr>${est}</table>
${svgLines(series(sim, 'cumContribution', true), 'Cumulative incremental contribution vs no contact', ['blast', 'rules', 'braid'])}
${svgLines(series(sim, 'cumDiscount', false), 'Cumulative discount spend', ['blast', 'rules', 'braid'])}
${svgEstimates(sim)}
<p><img src="report.png" alt="the same plots as PNG" width="1200"></p>
</body></html>`;
}

export function writeSimulationReport(sim: Simulation, dir: string, nowMs: number): { html: string; png: string; json: string } {
  const generatedAt = new Date(nowMs).toISOString();
  const files = { html: join(dir, 'report.html'), png: join(dir, 'report.png'), json: join(dir, 'result.json') };
  writeFileSync(files.png, renderPng(sim));
  writeFileSync(files.html, renderHtml(sim, generatedAt));
  const r2 = (data: Record<PolicyName, number[]>) => Object.fromEntries(POLICIES.map((p) => [p, data[p].map((v) => Math.round(v * 100) / 100)]));
  // The console's Simulator page draws its plots from these (GET /v1/simulations/latest).
  const plotSeries = { cumIncrementalContribution: r2(series(sim, 'cumContribution', true)), cumDiscount: r2(series(sim, 'cumDiscount', false)) };
  const slim = { generatedAt, config: sim.config, seconds: sim.seconds, braidMails: sim.braidMails, braidCheckoutDecisions: sim.braidCheckoutDecisions, figures: sim.comparison.figures, rows: sim.comparison.rows, estimates: sim.comparison.estimates, series: plotSeries };
  writeFileSync(files.json, JSON.stringify(slim, null, 2));
  return files;
}
