/** Audit log routes (admin): list entries newest first, and verify the chain. */
import { Type } from 'typebox';
import { notFound, type HttpServer } from '../../core/index.ts';
import { AuditEntrySchema, ListQuerySchema, VerifyQuerySchema, VerifyResultSchema } from './audit.schemas.ts';
import type { AuditService } from './audit.types.ts';

const tags = ['audit'];

export interface AuditRouteOptions {
  /**
   * Turns a profile ref (`email:...`, `userId:...`) into a profile id. Without it `profile` must be
   * a profile id. A `prf_` id is always used as given: entries keep the id they were written with,
   * even after that profile was merged into another.
   */
  resolveProfile?: (ref: string) => Promise<string | undefined>;
}

/** `worker` → { subjectType: 'worker' }; `worker:wkr_1` → both (split at the first colon). */
export function parseSubject(subject: string): { subjectType: string; subjectId?: string } {
  const i = subject.indexOf(':');
  return i < 0 ? { subjectType: subject } : { subjectType: subject.slice(0, i), subjectId: subject.slice(i + 1) };
}

export function registerAuditRoutes(http: HttpServer, audit: AuditService, opts: AuditRouteOptions = {}): void {
  http.get('/v1/audit', {
    schema: {
      tags, summary: 'The audit log, newest first (filter by profile, subject TYPE[:ID], action; page with before=SEQ)',
      querystring: ListQuerySchema, response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema) }) },
    },
  }, async (req) => {
    const q = req.query as { profile?: string; subject?: string; action?: string; before?: number; limit: number };
    let profileId: string | undefined;
    if (q.profile !== undefined) {
      profileId = q.profile.startsWith('prf_') || !opts.resolveProfile ? q.profile : await opts.resolveProfile(q.profile);
      if (profileId === undefined) throw notFound(`Profile ${q.profile}`);
    }
    const subject = q.subject !== undefined ? parseSubject(q.subject) : {};
    return { items: await audit.list({ profileId, ...subject, action: q.action, before: q.before, limit: q.limit }) };
  });

  http.get('/v1/audit/verify', {
    schema: {
      tags, summary: 'Recompute the hash chain and name the first broken entry (gap, prev_hash_mismatch, hash_mismatch)',
      querystring: VerifyQuerySchema, response: { 200: VerifyResultSchema },
    },
  }, async (req) => audit.verify({ fromSeq: (req.query as { from?: number }).from }));
}
