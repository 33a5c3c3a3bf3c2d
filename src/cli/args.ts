/** Minimal argv parsing: positionals plus `--flag value` / `--flag=value` / boolean `--flag`. */
export interface ParsedArgs { positionals: string[]; flags: Record<string, string | true> }

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) { flags[a.slice(2, eq)] = a.slice(eq + 1); continue; }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) { flags[a.slice(2)] = next; i++; } else flags[a.slice(2)] = true;
    } else positionals.push(a);
  }
  return { positionals, flags };
}
