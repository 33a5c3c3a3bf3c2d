import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../core/index.ts';
import { parseArgs, type ParsedArgs } from './args.ts';
import type { BraidClient } from './client.ts';
import { processIo, type CliIo } from './io.ts';

// Commands load the application lazily: `help` and usage errors should not pay for starting it.

const USAGE = `Usage: braid <command> [options]

Commands:
  serve [--port N] [--data DIR]      Start Braid (embedded database in DIR unless DATABASE_URL is set)
  import catalog FILE [--url URL]     Import products (Google Merchant Center TSV/CSV feed, or JSON/NDJSON)
  import events FILE.ndjson [--url URL]  Import Segment-format messages, one JSON object per line
  import experiment FILE --arm COL --outcomes A,B [--covariates C,D] [--unit COL] [--control ARM] [--name N]
                                      Import a past randomized experiment (CSV, one row per unit)
  report experiment ID [--cuped COL] [--control ARM] [--json]
                                      Per-arm lift with Welch CIs, SRM, CUPED (--uplift ARM --outcome O: uplift)
  report workers [ID|_all] [--since ISO] [--until ISO] [--cohort lifecycle|tier|channel] [--json]
                                      Incremental contribution per worker vs its holdout (_all: vs the global control group)
  report placement NAME [--since ISO] [--until ISO] [--cohort lifecycle|tier|channel] [--json]
                                      Incremental contribution of a decision placement vs the global control group
  report arms ID [--experiment KEY] [--control ARM] [--since ISO] [--json]
                                      A worker's A/B/n arms: each arm vs the control arm and vs the holdout, SRM against the weights
  report uplift ID [--since ISO] [--json]
                                      A targeted worker's uplift model (entry.uplift): Qini, AUUC, top 30% vs random, who it let in
  report attribution [--since ISO] [--until ISO] [--json]
                                      Last-touch attribution of orders beside each worker's holdout-based incrementality
  ope --policy FILE [--since ISO] [--json]
                                      Off-policy evaluation of a target policy on the decision log (IPS, SNIPS, DM, DR)
  workers apply FILE                  Create or update a worker from a JSON or YAML document (new version when changed)
  workers list | status ID on|off|paused | playbooks
                                      List workers, turn one on/off/pause it, list the shipped playbooks
  audit verify [--from SEQ] | audit list [--profile REF] [--subject TYPE[:ID]] [--action A] [--before SEQ] [--limit N]
                                      Check the audit hash chain (exit 1 if broken), or list audit entries newest first
  users add EMAIL --role R [--name N] [--password P] | users list
                                      Create a user (admin, marketer, approver, analyst, viewer; no --password: one is generated)
  keys create NAME --role R | keys list | keys revoke ID
                                      Create an API key with a role or the ingest/decide scope (secret printed once), list, revoke
  simulate [--config FILE] [--shoppers N] [--days D] [--seeds K] [--out DIR]
                                      Shopper simulator: no contact, blast, rules and Braid on the same synthetic shoppers (docs/simulator.md)
  profile REF [--url URL]             Show a profile (prf_..., userId:..., email:..., phone:..., externalId:TYPE:...)

Commands other than serve talk to a running Braid over HTTP (--url, default http://BRAID_HOST:BRAID_PORT);
when none is running they open the data directory themselves (--data DIR, default BRAID_DATA_DIR).
Over HTTP the keys come from --write-key / --admin-key, BRAID_WRITE_KEY / BRAID_ADMIN_KEY, or the
data directory's keys.json.`;

async function withClient(args: ParsedArgs, env: Record<string, string | undefined>, io: CliIo, fn: (c: BraidClient) => Promise<number>): Promise<number> {
  const { connect } = await import('./client.ts');
  const client = await connect(args, env);
  io.stderr.write(client.transport === 'http' ? `Using Braid at ${client.where}\n` : `No Braid is running; using ${client.where} directly\n`);
  try { return await fn(client); } finally { await client.close(); }
}

function fileArg(file: string | undefined, io: CliIo): file is string {
  if (!file) { io.stderr.write(`Missing FILE.\n\n${USAGE}\n`); return false; }
  if (!existsSync(file) || !statSync(file).isFile()) { io.stderr.write(`No such file: ${file}\n`); return false; }
  return true;
}

async function profile(args: ParsedArgs, env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const ref = args.positionals[1];
  if (!ref) { io.stderr.write(`Missing REF.\n\n${USAGE}\n`); return 2; }
  const { errorText } = await import('./client.ts');
  return withClient(args, env, io, async (client) => {
    await client.settle();
    const res = await client.request({ method: 'GET', path: `/v1/profiles/${encodeURIComponent(ref)}`, auth: 'admin' });
    if (res.status === 404) { io.stderr.write(`No profile matches ${ref}\n`); return 1; }
    if (res.status !== 200) { io.stderr.write(`Could not read profile ${ref}: ${errorText(res)}\n`); return 1; }
    io.stdout.write(JSON.stringify(res.body, null, 2) + '\n');
    return 0;
  });
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo = processIo): Promise<number | undefined> {
  const args = parseArgs(argv);
  const [cmd] = args.positionals;
  try {
    switch (cmd) {
      case 'serve': return await (await import('./serve.ts')).serve(args, env);
      case 'import': {
        const [, what, file] = args.positionals;
        if (what === 'experiment') {
          if (!fileArg(file, io)) return 2;
          const { importExperiment } = await import('./import-experiment.ts');
          return await withClient(args, env, io, (c) => importExperiment(c, file, args, io));
        }
        if (what !== 'catalog' && what !== 'events') { io.stderr.write(`braid import: say what to import (catalog or events, or experiment).\n\n${USAGE}\n`); return 2; }
        if (!fileArg(file, io)) return 2;
        const run = what === 'catalog' ? (await import('./import-catalog.ts')).importCatalog : (await import('./import-events.ts')).importEvents;
        return await withClient(args, env, io, (c) => run(c, file, io));
      }
      case 'report': {
        const [, what, id] = args.positionals;
        if (what === 'workers' || what === 'attribution' || what === 'uplift' || what === 'placement') {
          const { reportWorkers } = await import('./report-workers.ts');
          return await withClient(args, env, io, (c) => reportWorkers(c, what, what === 'attribution' ? undefined : id, args, io));
        }
        if (what === 'arms') {
          const { reportArms } = await import('./report-arms.ts');
          return await withClient(args, env, io, (c) => reportArms(c, id, args, io));
        }
        if (what !== 'experiment' || !id) { io.stderr.write(`braid report: use \`report experiment ID\`, \`report workers [ID]\`, \`report arms ID\`, \`report uplift ID\` or \`report attribution\`.\n\n${USAGE}\n`); return 2; }
        const { reportExperiment } = await import('./report.ts');
        return await withClient(args, env, io, (c) => reportExperiment(c, id, args, io));
      }
      case 'ope': {
        const { runOpe } = await import('./ope.ts');
        return await withClient(args, env, io, (c) => runOpe(c, args, io));
      }
      case 'workers': {
        if (args.positionals[1] === 'apply' && !fileArg(args.positionals[2], io)) return 2;
        const { runWorkers } = await import('./workers.ts');
        return await withClient(args, env, io, (c) => runWorkers(c, args, io));
      }
      case 'audit': {
        const { runAudit } = await import('./audit.ts');
        return await withClient(args, env, io, (c) => runAudit(c, args, io));
      }
      case 'users': case 'keys': {
        const { runUsers, runKeys } = await import('./access.ts');
        return await withClient(args, env, io, (c) => (cmd === 'users' ? runUsers : runKeys)(c, args, io));
      }
      case 'profile': return await profile(args, env, io);
      case 'simulate': return await (await import('./simulate.ts')).runSimulate(args, env, io);
      case undefined: case 'help': io.stdout.write(USAGE + '\n'); return 0;
      default:
        io.stderr.write(`Unknown command "${cmd}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ConfigError) { io.stderr.write(e.message + '\n'); return 78; }
    throw e;
  }
}
