/**
 * `braid workers apply FILE` (JSON or YAML worker document: creates it, or a new version when it
 * changed), `braid workers list`, `braid workers status ID on|off|paused`, and
 * `braid workers playbooks`. Over the same public API the console uses.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';

interface WorkerBody { id: string; status: string; version: number; definition: { name?: string }; counts?: Record<string, number> }

export async function runWorkers(client: BraidClient, args: ParsedArgs, io: CliIo): Promise<number> {
  const [, sub, a, b] = args.positionals;
  switch (sub) {
    case 'apply': {
      if (!a) { io.stderr.write('braid workers apply: FILE is required (JSON or YAML)\n'); return 2; }
      let doc: unknown;
      try { doc = parseYaml(readFileSync(a, 'utf8')); } catch (e) { io.stderr.write(`braid workers apply: cannot read ${a}: ${(e as Error).message}\n`); return 2; }
      const res = await client.request({ method: 'POST', path: '/v1/workers', json: doc, auth: 'admin' });
      if (res.status !== 200 && res.status !== 201) { io.stderr.write(`braid workers apply: ${errorText(res)}\n`); return 1; }
      const w = res.body as WorkerBody;
      io.stdout.write(`${w.id} version ${w.version} (${w.status})${res.status === 201 ? ' created' : ''}\n`);
      return 0;
    }
    case 'list': case undefined: {
      const res = await client.request({ method: 'GET', path: '/v1/workers', auth: 'admin' });
      if (res.status !== 200) { io.stderr.write(`braid workers: ${errorText(res)}\n`); return 1; }
      const items = (res.body as { items: WorkerBody[] }).items;
      io.stdout.write(['id                          status  ver  waiting  done  exited  name',
        ...items.map((w) => `${w.id.padEnd(28)}${w.status.padEnd(8)}${String(w.version).padStart(3)}  ${String(w.counts?.waiting ?? 0).padStart(7)}  ${String(w.counts?.done ?? 0).padStart(4)}  ${String(w.counts?.exited ?? 0).padStart(6)}  ${w.definition.name ?? ''}`)].join('\n') + '\n');
      return 0;
    }
    case 'status': {
      if (!a || !b) { io.stderr.write('braid workers status ID on|off|paused\n'); return 2; }
      const res = await client.request({ method: 'POST', path: `/v1/workers/${encodeURIComponent(a)}/status`, json: { status: b }, auth: 'admin' });
      if (res.status !== 200) { io.stderr.write(`braid workers status: ${errorText(res)}\n`); return 1; }
      const w = res.body as WorkerBody & { exited: number };
      io.stdout.write(`${w.id} is ${w.status}${w.exited ? ` (${w.exited} waiting journeys ended)` : ''}\n`);
      return 0;
    }
    case 'playbooks': {
      const res = await client.request({ method: 'GET', path: '/v1/playbooks', auth: 'admin' });
      if (res.status !== 200) { io.stderr.write(`braid workers playbooks: ${errorText(res)}\n`); return 1; }
      for (const p of (res.body as { items: Array<{ playbook: string; id: string; name: string }> }).items) io.stdout.write(`${p.playbook.padEnd(20)}${p.id.padEnd(26)}${p.name}\n`);
      return 0;
    }
    default:
      io.stderr.write(`braid workers: unknown subcommand "${sub}" (apply FILE, list, status ID on|off|paused, playbooks)\n`);
      return 2;
  }
}
