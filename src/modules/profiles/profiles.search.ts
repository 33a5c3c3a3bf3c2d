/**
 * Shopper search for the console: keyset-paged, so a million profiles never load at once.
 * Without `q`: profiles in id order. With `q`: identities whose value starts with `q` (email, user
 * id, phone, external ids; a `prf_` id matches itself), in (value, type) order, one row per
 * matching identity with the profile it belongs to.
 */
import { decodeCursor, encodeCursor, type Queryable } from '../../core/index.ts';

export interface ProfileHit {
  profileId: string; userId: string | null; email: string | null; name: string | null;
  matched: { type: string; value: string } | null;
  lastSeenAt: string; eventCount: number; orderCount: number; revenue: number;
}
export interface ProfilePage { items: ProfileHit[]; nextCursor: string | null }

/** `q` as a LIKE prefix pattern with its own wildcards escaped. */
export function likePrefix(q: string): string {
  return q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

interface Row {
  id: string; user_id: string | null; email: string | null; name: string | null; last_seen_at: Date;
  event_count: number; order_count: number; revenue: string | number; m_type?: string; m_value?: string;
}
const COLS = `p.id, p.user_id, p.traits->>'email' as email,
  coalesce(p.traits->>'name', nullif(concat_ws(' ', p.traits->>'firstName', p.traits->>'lastName'), '')) as name,
  p.last_seen_at, p.event_count, p.order_count, p.revenue`;

function hit(r: Row): ProfileHit {
  return {
    profileId: r.id, userId: r.user_id, email: r.email, name: r.name, matched: r.m_type ? { type: r.m_type, value: r.m_value! } : null,
    lastSeenAt: r.last_seen_at.toISOString(), eventCount: r.event_count, orderCount: r.order_count, revenue: Number(r.revenue),
  };
}

export async function searchProfiles(db: Queryable, q: { q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<ProfilePage> {
  const text = q.q?.trim() ?? '';
  if (text === '') {
    const [after] = q.cursor ? decodeCursor(q.cursor, ['s']) as string[] : [''];
    const r = await db.query<Row>(`select ${COLS} from profiles p where p.id > $1 order by p.id limit $2`, [after, q.limit + 1]);
    const rows = r.rows.slice(0, q.limit);
    return { items: rows.map(hit), nextCursor: r.rows.length > q.limit ? encodeCursor([rows[rows.length - 1]!.id]) : null };
  }
  if (text.startsWith('prf_')) {
    const r = await db.query<Row>(`select ${COLS} from profiles p where p.id = $1`, [text]);
    return { items: r.rows.map(hit), nextCursor: null };
  }
  const [afterValue, afterType] = q.cursor ? decodeCursor(q.cursor, ['s', 's']) as string[] : ['', ''];
  const r = await db.query<Row>(`select ${COLS}, i.type as m_type, i.value as m_value
      from identities i join profiles p on p.id = i.profile_id
     where i.value like $1 escape '\\' and (i.value, i.type) > ($2, $3)
     order by i.value, i.type limit $4`, [likePrefix(text), afterValue, afterType, q.limit + 1]);
  const rows = r.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return { items: rows.map(hit), nextCursor: r.rows.length > q.limit && last ? encodeCursor([last.m_value!, last.m_type!]) : null };
}
