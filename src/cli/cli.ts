import { ConfigError } from '../core/index.ts';
import { parseArgs } from './args.ts';
import { serve } from './serve.ts';

const USAGE = `Usage: braid <command> [options]

Commands:
  serve [--port N] [--data DIR]      Start Braid (embedded database in DIR unless DATABASE_URL is set)
  import catalog FILE [--url URL]     Import products (Google Merchant Center TSV/CSV feed, or JSON/NDJSON)
  import events FILE.ndjson [--url URL]  Import Segment-format messages, one JSON object per line
  profile REF [--url URL]             Show a profile (prf_..., userId:..., email:..., phone:..., externalId:TYPE:...)

Commands other than serve talk to a running Braid over HTTP (--url, default http://BRAID_HOST:BRAID_PORT);
when none is running they open the data directory themselves.`;

export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<number | undefined> {
  const args = parseArgs(argv);
  const [cmd] = args.positionals;
  try {
    switch (cmd) {
      case 'serve': return await serve(args, env);
      case undefined: case 'help': process.stdout.write(USAGE + '\n'); return 0;
      default:
        process.stderr.write(`Unknown command "${cmd}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ConfigError) { process.stderr.write(e.message + '\n'); return 78; }
    throw e;
  }
}
