import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, openDatabase, type Db } from '../../core/index.ts';
import { openTestDb, testDeps, TEST_DATABASE_URL, type TestDb } from '../../testing/harness.ts';
import { GENESIS_HASH, createAudit, entryHash, type AuditEntry, type AuditInput, type AuditService } from './index.ts';

const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
let t: TestDb;
let audit: AuditService;

const input = (n: number, over: Partial<AuditInput> = {}): AuditInput => ({
  actor: 'worker:wkr_winback', action: 'message.sent', subjectType: 'message', subjectId: `msg_${n}`,
  profileId: `prf_${n % 7}`, data: { n, channel: 'email', consent: { basis: 'opt_in', recordId: `cns_${n}` } }, ...over,
});

async function appendInBatches(svc: AuditService, from: number, sizes: number[]): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let n = from;
  for (const size of sizes) {
    out.push(...await svc.append(Array.from({ length: size }, () => input(n++))));
    clock.advance(1000);
  }
  return out;
}

/** Runs `fn` against a tampered log, then puts row `seq` back exactly as it was. */
async function tampered<T>(seq: number, tamper: () => Promise<unknown>, fn: () => Promise<T>): Promise<T> {
  const saved = (await t.db.query<{ r: unknown }>('select to_jsonb(a) as r from audit_log a where seq = $1', [seq])).rows[0]!.r;
  await tamper();
  try { return await fn(); } finally {
    await t.db.query('delete from audit_log where seq = $1', [seq]);
    await t.db.query('insert into audit_log select * from jsonb_populate_record(null::audit_log, $1::jsonb)', [JSON.stringify(saved)]);
  }
}

beforeAll(async () => {
  t = await openTestDb(clock);
  audit = createAudit(testDeps(t.db, clock), { verifyPage: 128 });
});
afterAll(async () => { await t.cleanup(); });

describe('audit chain', () => {
  it('verifies an empty log', async () => {
    expect(await audit.verify()).toEqual({ ok: true, checked: 0, head: null });
    expect(await audit.append([])).toEqual([]);
  });

  it('appends 1,000 entries in several batches into one gapless chain that verifies across pages', async () => {
    const entries = await appendInBatches(audit, 1, [1, 99, 250, 500, 150]);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries[0]!.id).toMatch(/^aud_/);
    expect(entries[0]!.at).toBe('2026-03-01T12:00:00.000Z');
    const v = await audit.verify();
    expect(v).toEqual({ ok: true, checked: 1000, head: { seq: 1000, hash: entries[999]!.hash } });
    expect(await audit.head()).toEqual({ seq: 1000, hash: entries[999]!.hash });
    // The default page size agrees.
    expect(await createAudit(testDeps(t.db, clock)).verify()).toMatchObject({ ok: true, checked: 1000 });
  });

  it('verifies from a seq, trusting the entry before it', async () => {
    expect(await audit.verify({ fromSeq: 901 })).toMatchObject({ ok: true, checked: 100, head: { seq: 1000 } });
    expect(await audit.verify({ fromSeq: 5000 })).toMatchObject({ ok: true, checked: 0 });
    await expect(audit.verify({ fromSeq: 0 })).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'fromSeq' } });
  });

  it('stores what it hashed: data round-trips through jsonb (key order, undefined dropped, unicode)', async () => {
    const [e] = await audit.append([{ actor: 'api', action: 'offer.upsert', subjectType: 'offer', subjectId: 'spring-10', data: { z: 1, a: { y: 'é 😀 "q"', x: [1.5, null, undefined] }, gone: undefined, when: new Date(0) } as Record<string, unknown> }]);
    expect(e!.profileId).toBeNull();
    expect(e!.data).toEqual({ z: 1, a: { y: 'é 😀 "q"', x: [1.5, null, null] }, when: '1970-01-01T00:00:00.000Z' });
    const [stored] = await audit.list({ limit: 1 });
    expect(stored).toEqual(e);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 1001 });
  });

  it('names the bad field of an invalid entry and appends nothing', async () => {
    await expect(audit.append([input(1), input(2, { action: 'Not An Action' })])).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'entries[1].action' } });
    await expect(audit.append([input(1, { subjectId: '' })])).rejects.toMatchObject({ details: { field: 'entries[0].subjectId' } });
    await expect(audit.append([{ ...input(1), extra: 1 } as AuditInput])).rejects.toMatchObject({ details: { field: 'entries[0].extra' } });
    expect((await audit.head())!.seq).toBe(1001);
  });

  it('lists newest first with filters and pages by seq; forProfile gives one shopper', async () => {
    const latest = await audit.list({ limit: 3 });
    expect(latest.map((e) => e.seq)).toEqual([1001, 1000, 999]);
    expect((await audit.list({ limit: 2, before: 999 })).map((e) => e.seq)).toEqual([998, 997]);
    const mine = await audit.forProfile('prf_3');
    expect(mine.length).toBe(143); // n = 3, 10, ..., 997
    expect(mine.every((e) => e.profileId === 'prf_3')).toBe(true);
    expect(mine[0]!.seq).toBeGreaterThan(mine[1]!.seq);
    expect((await audit.list({ subjectType: 'message', subjectId: 'msg_42', limit: 10 })).map((e) => e.seq)).toEqual([42]);
    expect((await audit.list({ action: 'offer.upsert', limit: 10 })).map((e) => e.subjectId)).toEqual(['spring-10']);
    expect(await audit.list({ profileId: 'prf_3', action: 'offer.upsert', limit: 10 })).toEqual([]);
    await expect(audit.list({ limit: 0 })).rejects.toMatchObject({ details: { field: 'limit' } });
  });

  it('catches a row whose data was changed by SQL: hash_mismatch at that seq', async () => {
    const id = (await audit.list({ before: 501, limit: 1 }))[0]!.id;
    const v = await tampered(500, () => t.db.query(`update audit_log set data = jsonb_set(data, '{channel}', '"sms"') where seq = 500`), () => audit.verify());
    expect(v).toMatchObject({ ok: false, checked: 499, firstBroken: { seq: 500, id, reason: 'hash_mismatch' }, head: { seq: 499 } });
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 1001 });
  });

  it('catches a deleted row: gap at the entry after it', async () => {
    const id = (await audit.list({ before: 301, limit: 1 }))[0]!.id;
    const v = await tampered(299, () => t.db.query('delete from audit_log where seq = 299'), () => audit.verify());
    expect(v).toMatchObject({ ok: false, checked: 298, firstBroken: { seq: 300, id, reason: 'gap' } });
    // The very first entry deleted: the chain must start at 1.
    const first = await tampered(1, () => t.db.query('delete from audit_log where seq = 1'), () => audit.verify());
    expect(first).toMatchObject({ ok: false, checked: 0, firstBroken: { seq: 2, reason: 'gap' } });
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 1001 });
  });

  it('catches a row rewritten with a consistent hash: prev_hash_mismatch at the next entry', async () => {
    const [row] = await audit.list({ before: 701, limit: 1 });
    const forged = { ...row!, data: { ...row!.data, channel: 'push' } };
    const hash = entryHash(forged.prevHash, forged);
    const next = (await audit.list({ before: 702, limit: 1 }))[0]!;
    const v = await tampered(700, () => t.db.query('update audit_log set data = $1::jsonb, hash = $2 where seq = 700', [JSON.stringify(forged.data), hash]), () => audit.verify());
    expect(v).toMatchObject({ ok: false, checked: 700, firstBroken: { seq: 701, id: next.id, reason: 'prev_hash_mismatch' } });
    // From the forged row on, the chain looks fine: only the link to its successor gives it away.
    expect(await tampered(700, () => t.db.query('update audit_log set data = $1::jsonb, hash = $2 where seq = 700', [JSON.stringify(forged.data), hash]), () => audit.verify({ fromSeq: 700 })))
      .toMatchObject({ ok: false, checked: 1, firstBroken: { seq: 701, reason: 'prev_hash_mismatch' } });
  });
});

describe('concurrent appends', () => {
  let other: Db | undefined;
  afterAll(async () => { await other?.close(); });

  it('chain correctly from two callers (separate connections on a server): no forks, no gaps', async () => {
    // On Postgres the second caller has its own pool, like a second Braid process.
    if (TEST_DATABASE_URL) other = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: t.schema, clock });
    const a = audit;
    const b = createAudit(testDeps(other ?? t.db, clock));
    const before = (await audit.head())!.seq;
    const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(Array.from({ length: 1 + (i % 5) * 10 }, (_, j) => input(10_000 + i * 100 + j, { actor: i % 2 ? 'a' : 'b' }))));
    const results = await Promise.all(calls);
    const total = results.reduce((s, r) => s + r.length, 0);
    for (const r of results) for (let i = 1; i < r.length; i++) expect(r[i]!.seq).toBe(r[i - 1]!.seq + 1); // a batch stays contiguous
    const seqs = results.flat().map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => before + i + 1));
    const forks = await t.db.query<{ n: number; d: number }>('select count(*)::int8 as n, count(distinct prev_hash)::int8 as d from audit_log');
    expect(forks.rows[0]!.d).toBe(forks.rows[0]!.n);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: before + total });
  });
});
