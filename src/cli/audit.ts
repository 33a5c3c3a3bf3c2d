/**
 * `braid audit verify [--from SEQ]`: recompute the audit chain; prints `ok: N entries checked`
 * (and the head to anchor) and exits 0, or `broken at seq S (id): reason` and exits 1.
 * `braid audit list [--profile REF] [--subject TYPE[:ID]] [--action A] [--before SEQ] [--limit N] [--json]`:
 * entries newest first. Over the same public API the console uses. See docs/audit.md.
 */
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';

interface Entry { seq: number; id: string; at: string; actor: string; action: string; subjectType: string; subjectId: string; profileId: string | null; data: unknown }
interface Verify { ok: boolean; checked: number; firstBroken?: { seq: number; id: string; reason: string }; head?: { seq: number; hash: string } | null }

const LIST_FLAGS = ['profile', 'subject', 'action', 'before', 'limit'] as const;

export async function runAudit(client: BraidClient, args: ParsedArgs, io: CliIo): Promise<number> {
  const sub = args.positionals[1];
  switch (sub) {
    case 'verify': {
      const from = args.flags.from;
      if (from === true) { io.stderr.write('braid audit verify: --from needs a SEQ\n'); return 2; }
      const res = await client.request({ method: 'GET', path: `/v1/audit/verify${from ? `?from=${encodeURIComponent(from)}` : ''}`, auth: 'admin' });
      if (res.status !== 200) { io.stderr.write(`braid audit verify: ${errorText(res)}\n`); return 1; }
      const v = res.body as Verify;
      if (args.flags.json === true) { io.stdout.write(JSON.stringify(v, null, 2) + '\n'); return v.ok ? 0 : 1; }
      if (!v.ok && v.firstBroken) {
        io.stdout.write(`broken at seq ${v.firstBroken.seq} (${v.firstBroken.id}): ${v.firstBroken.reason}\n`);
        return 1;
      }
      io.stdout.write(`ok: ${v.checked} entries checked\n`);
      if (v.head) io.stdout.write(`head: seq ${v.head.seq} hash ${v.head.hash}\n`);
      return 0;
    }
    case 'list': {
      const qs = new URLSearchParams();
      for (const f of LIST_FLAGS) {
        const v = args.flags[f];
        if (v === true) { io.stderr.write(`braid audit list: --${f} needs a value\n`); return 2; }
        if (v !== undefined) qs.set(f, v);
      }
      const q = qs.toString();
      const res = await client.request({ method: 'GET', path: `/v1/audit${q ? `?${q}` : ''}`, auth: 'admin' });
      if (res.status !== 200) { io.stderr.write(`braid audit list: ${errorText(res)}\n`); return 1; }
      const items = (res.body as { items: Entry[] }).items;
      if (args.flags.json === true) { io.stdout.write(JSON.stringify(items, null, 2) + '\n'); return 0; }
      const lines = ['seq       at                        action              actor               subject                           profile'];
      for (const e of items) {
        lines.push(`${String(e.seq).padEnd(10)}${e.at.padEnd(26)}${e.action.padEnd(20)}${e.actor.padEnd(20)}${`${e.subjectType}:${e.subjectId}`.padEnd(34)}${e.profileId ?? ''}`);
      }
      io.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    default:
      io.stderr.write(`braid audit: unknown subcommand "${sub ?? ''}" (verify [--from SEQ], list [--profile REF] [--subject TYPE[:ID]] [--action A] [--before SEQ] [--limit N])\n`);
      return 2;
  }
}
