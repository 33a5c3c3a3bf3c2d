/** SQL for the audit log. Timestamps are passed in; nothing here reads the clock. */
import type { Queryable } from '../../core/index.ts';
import type { AuditEntry, AuditListQuery } from './audit.types.ts';

interface Row {
  seq: number; id: string; at: Date; actor: string; action: string; subject_type: string; subject_id: string;
  profile_id: string | null; data: Record<string, unknown>; prev_hash: string; hash: string;
}

const COLUMNS = 'seq, id, at, actor, action, subject_type, subject_id, profile_id, data, prev_hash, hash';
/** Rows per insert statement: one JSON parameter each, a few MB at most. */
const INSERT_CHUNK = 1000;

const toEntry = (r: Row): AuditEntry => ({
  seq: Number(r.seq), id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, subjectType: r.subject_type,
  subjectId: r.subject_id, profileId: r.profile_id, data: r.data, prevHash: r.prev_hash, hash: r.hash,
});

/** Serializes writers across processes; scoped to the schema like the migration lock. */
export async function lockChain(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':audit'))`);
}

export async function readHead(q: Queryable): Promise<{ seq: number; hash: string } | null> {
  const r = await q.query<{ seq: number; hash: string }>('select seq, hash from audit_log order by seq desc limit 1');
  const row = r.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

export async function insertEntries(tx: Queryable, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    const rows = entries.slice(i, i + INSERT_CHUNK).map((e) => ({
      seq: e.seq, id: e.id, at: e.at, actor: e.actor, action: e.action, subject_type: e.subjectType, subject_id: e.subjectId,
      profile_id: e.profileId, data: e.data, prev_hash: e.prevHash, hash: e.hash,
    }));
    await tx.query(`insert into audit_log (${COLUMNS})
      select ${COLUMNS} from jsonb_to_recordset($1::jsonb) as x(seq bigint, id text, at timestamptz, actor text, action text,
        subject_type text, subject_id text, profile_id text, data jsonb, prev_hash text, hash text)`, [JSON.stringify(rows)]);
  }
}

/** Entries with seq in (after, upTo], oldest first, at most `limit`. */
export async function readPage(q: Queryable, after: number, upTo: number, limit: number): Promise<AuditEntry[]> {
  const r = await q.query<Row>(`select ${COLUMNS} from audit_log where seq > $1 and seq <= $2 order by seq limit $3`, [after, upTo, limit]);
  return r.rows.map(toEntry);
}

/** The entry just below `seq` (the anchor a partial verify trusts), if any. */
export async function readBefore(q: Queryable, seq: number): Promise<{ seq: number; hash: string } | null> {
  const r = await q.query<{ seq: number; hash: string }>('select seq, hash from audit_log where seq < $1 order by seq desc limit 1', [seq]);
  const row = r.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

export async function listEntries(q: Queryable, f: AuditListQuery): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.profileId !== undefined) add('profile_id = ?', f.profileId);
  if (f.subjectType !== undefined) add('subject_type = ?', f.subjectType);
  if (f.subjectId !== undefined) add('subject_id = ?', f.subjectId);
  if (f.action !== undefined) add('action = ?', f.action);
  if (f.before !== undefined) add('seq < ?', f.before);
  params.push(f.limit);
  const r = await q.query<Row>(`select ${COLUMNS} from audit_log ${where.length ? 'where ' + where.join(' and ') : ''}
    order by seq desc limit $${params.length}`, params);
  return r.rows.map(toEntry);
}
