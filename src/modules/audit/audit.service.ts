/**
 * The audit log: append-only and hash-chained. Appends take a transaction-scoped advisory lock,
 * read the head, and chain the batch onto it, so several Braid processes sharing a database
 * produce one chain with no forks and no gaps. `verify` recomputes the chain page by page and
 * names the first entry that breaks it. See docs/audit.md.
 */
import { compileValidator, invalid, isoNow, lowPriority, newId, type CoreDeps } from '../../core/index.ts';
import { GENESIS_HASH, entryHash } from './audit.chain.ts';
import { AuditBatchSchema } from './audit.schemas.ts';
import { insertEntries, listEntries, lockChain, readBefore, readHead, readPage } from './audit.store.ts';
import type { AuditEntry, AuditInput, AuditListQuery, AuditService, BreakReason, VerifyResult } from './audit.types.ts';

/** Rows read per verify page. */
export const VERIFY_PAGE = 5000;
export const MAX_LIST = 1000;

const validateBatch = compileValidator<AuditInput[]>(AuditBatchSchema, 'entries');

function checkPage(field: string, v: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw invalid(field, `must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
}

export interface AuditOptions {
  /** Rows read per verify page (default VERIFY_PAGE); tests make it small to cross pages. */
  verifyPage?: number;
}

export function createAudit(deps: CoreDeps, opts: AuditOptions = {}): AuditService {
  const reader = lowPriority(deps.db);
  const pageSize = opts.verifyPage ?? VERIFY_PAGE;

  async function append(inputs: AuditInput[]): Promise<AuditEntry[]> {
    const batch = validateBatch(inputs);
    if (batch.length === 0) return [];
    // What is hashed must be what jsonb gives back: the JSON form (undefined dropped, Dates as strings).
    const data = batch.map((e) => JSON.parse(JSON.stringify(e.data ?? {})) as Record<string, unknown>);
    return deps.db.transaction(async (tx) => {
      await lockChain(tx);
      const head = await readHead(tx);
      // Read the clock under the lock, so `at` never goes backwards along the chain within a process.
      const at = isoNow(deps.clock);
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS_HASH;
      const entries = batch.map((e, i): AuditEntry => {
        const fields = {
          seq: ++seq, id: newId('aud', deps.clock), at, actor: e.actor, action: e.action,
          subjectType: e.subjectType, subjectId: e.subjectId, profileId: e.profileId ?? null, data: data[i]!,
        };
        const hash = entryHash(prev, fields);
        const entry = { ...fields, prevHash: prev, hash };
        prev = hash;
        return entry;
      });
      await insertEntries(tx, entries);
      return entries;
    });
  }

  async function verify(v: { fromSeq?: number | undefined } = {}): Promise<VerifyResult> {
    checkPage('fromSeq', v.fromSeq, 1);
    const from = v.fromSeq ?? 1;
    // Bound the walk at today's head: entries appended meanwhile are for the next run.
    const end = (await readHead(reader))?.seq ?? 0;
    const anchor = from > 1 ? await readBefore(reader, from) : null;
    let prevSeq = anchor?.seq ?? 0;
    let prevHash = anchor?.hash ?? GENESIS_HASH;
    let checked = 0;
    const broken = (e: AuditEntry, reason: BreakReason): VerifyResult => ({
      ok: false, checked, firstBroken: { seq: e.seq, id: e.id, reason }, head: prevSeq > 0 ? { seq: prevSeq, hash: prevHash } : null,
    });
    for (let after = from - 1; after < end;) {
      const page = await readPage(reader, after, end, pageSize);
      if (page.length === 0) break;
      for (const e of page) {
        if (e.seq !== prevSeq + 1) return broken(e, 'gap');
        if (e.prevHash !== prevHash) return broken(e, 'prev_hash_mismatch');
        if (entryHash(e.prevHash, e) !== e.hash) return broken(e, 'hash_mismatch');
        checked++;
        prevSeq = e.seq;
        prevHash = e.hash;
      }
      after = page[page.length - 1]!.seq;
    }
    return { ok: true, checked, head: prevSeq > 0 ? { seq: prevSeq, hash: prevHash } : null };
  }

  async function list(q: AuditListQuery): Promise<AuditEntry[]> {
    checkPage('limit', q.limit, 1, MAX_LIST);
    checkPage('before', q.before, 1);
    return listEntries(deps.db, q);
  }

  return {
    append,
    verify,
    list,
    forProfile: (profileId, opts = {}) => list({ profileId, before: opts.before, limit: opts.limit ?? MAX_LIST }),
    head: () => readHead(deps.db),
  };
}
