/**
 * How many shoppers a worker version may reach, counted from real data when the version is
 * submitted, for the approval queue's audience_size rule (a worker reaching more shoppers than the
 * threshold waits for an approver). What is counted depends on the trigger:
 *
 * - segment, schedule: profiles satisfying the trigger's condition and the entry rule now (the
 *   segment's members on entry; everyone a scheduled run would enter);
 * - event: distinct profiles that emitted the trigger event in the last 30 days and pass the entry
 *   rule (and the trigger's condition when it reads only the profile, not the event's properties:
 *   then the count is an upper bound);
 * - catalog: profiles with any product in the watched wishlist, cart or recent views, passing the
 *   entry rule (an upper bound: one product's change reaches only those interested in it).
 *
 * Counting stops once above `stopAbove` (the threshold): the size is then a lower bound
 * (`atLeast`), which is all the rule needs, and the cost of a version save stays bounded.
 * Consent and frequency caps are not subtracted: this is reach at entry, not messages sent.
 */
import { evaluateCondition, type Condition, type CoreDeps } from '../../core/index.ts';
import type { AudienceEstimate } from '../approvals/index.ts';
import type { ProfileState } from '../profiles/index.ts';
import { profileScope, traitsScope } from './workers.scope.ts';
import type { WorkersDeps } from './workers.deps.ts';
import type { WorkerDefinition } from './workers.types.ts';

export const EVENT_WINDOW_DAYS = 30;
const DAY = 86_400_000;
const PAGE = 1000;

/** Whether a condition reads the trigger event (`event.*`), which a count over profiles cannot evaluate. */
export function readsEvent(c: Condition): boolean {
  if ('all' in c) return c.all.some(readsEvent);
  if ('any' in c) return c.any.some(readsEvent);
  if ('not' in c) return readsEvent(c.not);
  return c.path === 'event' || c.path.startsWith('event.');
}

export async function estimateAudience(
  def: WorkerDefinition, deps: CoreDeps, w: Pick<WorkersDeps, 'profiles' | 'traits' | 'scanProfiles'>, stopAbove: number,
): Promise<AudienceEstimate | undefined> {
  const nowMs = deps.clock.now();
  const sensitive = deps.config.brain.sensitiveTraits;
  const scope = (p: ProfileState) => ({ profile: profileScope(p, sensitive), traits: traitsScope(w.traits?.peek(p.id), nowMs) });
  const t = def.trigger;
  const entry = def.entry.where;
  const passes = (p: ProfileState, cond: Condition | undefined) => !cond || evaluateCondition(cond, scope(p), nowMs);
  let n = 0;
  /** Set when counting stopped above the threshold with profiles left unread: n is then a lower bound. */
  let cut = false;
  const enough = () => n > stopAbove;

  if (t.type === 'event') {
    const where = t.where && !readsEvent(t.where) ? t.where : undefined;
    let after = '';
    for (;;) {
      const ids = await w.profiles.emitters(t.event, nowMs - EVENT_WINDOW_DAYS * DAY, after, PAGE);
      if (ids.length === 0) break;
      if (entry || where) {
        const profiles = await w.profiles.getMany(ids);
        for (const id of ids) { const p = profiles.get(id); if (p && passes(p, entry) && passes(p, where)) n++; }
      } else n += ids.length;
      after = ids[ids.length - 1]!;
      if (ids.length < PAGE) break;
      if (enough()) { cut = true; break; }
    }
    const basis = `distinct profiles with "${t.event}" in the last ${EVENT_WINDOW_DAYS} days${entry ? ' passing the entry rule' : ''}${t.where && !where ? '; the trigger condition on event properties not applied' : ''}`;
    return { size: n, atLeast: cut, basis };
  }

  if (!w.scanProfiles) return undefined;
  const match = t.type === 'catalog'
    ? (p: ProfileState) => (t.audience.includes('wishlist') && p.wishlist.length > 0) || (t.audience.includes('cart') && p.cart.items.some((x) => x.productId !== undefined))
      || (t.audience.includes('viewed') && p.recentViews.length > 0)
    : (p: ProfileState) => evaluateCondition(t.where, scope(p), nowMs);
  let after = '';
  for (;;) {
    const page = await w.scanProfiles(after, PAGE);
    for (const p of page) if (match(p) && passes(p, entry)) n++;
    if (page.length < PAGE) break;
    if (enough()) { cut = true; break; }
    after = page[page.length - 1]!.id;
  }
  const basis = t.type === 'segment' ? 'profiles in the segment now (trigger condition and entry rule)'
    : t.type === 'schedule' ? 'profiles a scheduled run would enter now (trigger condition and entry rule)'
      : `profiles with a product in their ${t.audience.join(', ')}${entry ? ' passing the entry rule' : ''}`;
  return { size: n, atLeast: cut, basis };
}
