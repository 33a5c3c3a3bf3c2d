/**
 * `braid ope --policy FILE [--since ISO] [--alpha A] [--json]`: off-policy evaluation of a target
 * policy (JSON or YAML: {placement, prefer, epsilon?}) on the decision log, printed as a table
 * next to what the logging policy earned. See docs/statistics.md.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';

interface Est { estimate: number; ciLow: number; ciHigh: number; stdError: number }
interface Body {
  policy: { name?: string; placement: string }; decisions: number; evaluated: number; pending: number; loggingValue: number | null;
  estimates: { ips: Est; snips: Est; dm?: Est; dr?: Est; effectiveSampleSize: number; maxWeight: number } | null;
}

export async function runOpe(client: BraidClient, args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.flags.policy;
  if (typeof file !== 'string') { io.stderr.write('braid ope: --policy FILE is required (JSON or YAML: {placement, prefer, epsilon})\n'); return 2; }
  let policy: unknown;
  try { policy = parseYaml(readFileSync(file, 'utf8')); } catch (e) { io.stderr.write(`braid ope: cannot read ${file}: ${(e as Error).message}\n`); return 2; }
  const body: Record<string, unknown> = { policy };
  if (typeof args.flags.since === 'string') body.since = args.flags.since;
  if (typeof args.flags.alpha === 'string') body.alpha = Number(args.flags.alpha);
  const res = await client.request({ method: 'POST', path: '/v1/reports/ope', json: body, auth: 'admin' });
  if (res.status !== 200) { io.stderr.write(`braid ope: ${errorText(res)}\n`); return 1; }
  const r = res.body as Body;
  if (args.flags.json === true) { io.stdout.write(JSON.stringify(r, null, 2) + '\n'); return 0; }
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(4));
  const lines = [
    `Policy ${r.policy.name ?? ''} at ${r.policy.placement}: ${r.evaluated} decisions with outcomes (${r.pending} still in their window)`,
    `Logging policy earned ${f(r.loggingValue)} contribution per decision`,
  ];
  if (r.estimates) {
    lines.push('estimator  value     95% CI');
    for (const [k, e] of [['IPS', r.estimates.ips], ['SNIPS', r.estimates.snips], ['DM', r.estimates.dm], ['DR', r.estimates.dr]] as const) {
      if (e) lines.push(`${k.padEnd(9)}  ${f(e.estimate).padStart(8)}  [${f(e.ciLow)}, ${f(e.ciHigh)}]`);
    }
    lines.push(`effective sample size ${r.estimates.effectiveSampleSize.toFixed(1)}, largest weight ${r.estimates.maxWeight.toFixed(2)}`);
  }
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}
