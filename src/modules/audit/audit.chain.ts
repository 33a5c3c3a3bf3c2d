/**
 * The pure part of the audit chain: canonical JSON and entry hashes. No I/O.
 *
 * Canonical JSON is JSON.stringify's output with object keys sorted recursively (by UTF-16 code
 * unit, as Array.prototype.sort does), no whitespace; values it would drop (undefined, functions,
 * symbols) are dropped from objects and become null in arrays, non-finite numbers become null,
 * and toJSON (Dates) is honoured. The same value therefore always hashes the same, whatever the
 * key order jsonb hands back.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit.types.ts';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Actions Braid writes today (others of the form `area.verb` are accepted). */
export const AUDIT_ACTIONS = [
  'worker.version', 'worker.status', 'worker.delete', 'offer.create', 'offer.update', 'offer.delete', 'offer_policy.update', 'guardrails.update',
  'message.sent', 'message.suppressed', 'message.failed', 'message.dead', 'message.unknown', 'decision.summary', 'approval.accept',
  'approval.submit', 'approval.reject', 'approval.publish', 'approval.unpublish', 'approval.retire', 'config.change',
] as const;

/** `area.verb`, lower case: `worker.version`, `guardrails.update`. */
export const ACTION_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$';

export function canonicalJson(value: unknown): string {
  const out = encode(value);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return out;
}

function encode(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'number': return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': throw new TypeError('canonicalJson: BigInt has no JSON form');
    case 'undefined': case 'function': case 'symbol': return undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => encode(v) ?? 'null').join(',') + ']';
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = encode(obj[k]);
    if (v !== undefined) parts.push(JSON.stringify(k) + ':' + v);
  }
  return '{' + parts.join(',') + '}';
}

/** The fields a hash covers: everything but the hashes themselves. */
export type HashedFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

export function entryHash(prevHash: string, e: HashedFields): string {
  const body = canonicalJson({
    seq: e.seq, id: e.id, at: e.at, actor: e.actor, action: e.action,
    subjectType: e.subjectType, subjectId: e.subjectId, profileId: e.profileId, data: e.data,
  });
  return createHash('sha256').update(prevHash + body, 'utf8').digest('hex');
}
