/**
 * Non-personal rankings: popularity (the baseline), trending (recent popularity with exponential
 * decay) and seasonal (what sold in the coming weeks one year earlier), each overall ('*') and per
 * segment. They serve shoppers without consent or history and fill short lists. Pure: no I/O.
 */

/** One purchase (or view) of an item by a shopper at a time (ms), with the shopper's segment. */
export interface Touch {
  user: string;
  item: number;
  at: number;
  segment?: string | undefined;
}

export type Ranking = Array<[number, number]>;
/** segment ('*' = everyone) -> ranking, best first. */
export type SegmentedRanking = Record<string, Ranking>;

const DAY = 86_400_000;

export const ALL_SEGMENTS = '*';

/** Items by distinct buyers over all of `touches`, best first (ties by index). */
export function trainPopularity(touches: readonly Touch[], limit = 500): Ranking {
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  for (const t of touches) {
    const key = `${t.user}\u0000${t.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts.set(t.item, (counts.get(t.item) ?? 0) + 1);
  }
  return rank(counts, limit);
}

export interface TrendingOptions {
  /** Only touches in (now - windowDays, now] count. */
  windowDays: number;
  /** A touch halfLifeDays old counts half as much as one now. */
  halfLifeDays: number;
  /** Segments with fewer distinct shoppers in the window than this fall back to '*'. */
  minSegmentUsers: number;
  limit: number;
}

export const DEFAULT_TRENDING: TrendingOptions = { windowDays: 28, halfLifeDays: 7, minSegmentUsers: 20, limit: 300 };

/**
 * trending(i) = sum over distinct shoppers who touched i in the window of 2^(-age/halfLife),
 * using each shopper's latest touch of i; overall and per segment.
 */
export function trainTrending(touches: readonly Touch[], now: number, opts: Partial<TrendingOptions> = {}): SegmentedRanking {
  const o = { ...DEFAULT_TRENDING, ...opts };
  const from = now - o.windowDays * DAY;
  return decayedBySegment(touches.filter((t) => t.at > from && t.at <= now), (t) => Math.pow(2, -(now - t.at) / (o.halfLifeDays * DAY)), o);
}

export interface SeasonalOptions {
  /** The season: the `windowDays` starting one year before now. */
  windowDays: number;
  minSegmentUsers: number;
  limit: number;
}

export const DEFAULT_SEASONAL: SeasonalOptions = { windowDays: 35, minSegmentUsers: 20, limit: 300 };

/**
 * seasonal(i) = distinct shoppers who touched i in [now - 365 days, now - 365 days + windowDays):
 * last year's demand for the weeks ahead, overall and per segment. Empty with under a year of data.
 */
export function trainSeasonal(touches: readonly Touch[], now: number, opts: Partial<SeasonalOptions> = {}): SegmentedRanking {
  const o = { ...DEFAULT_SEASONAL, ...opts };
  const from = now - 365 * DAY;
  const to = from + o.windowDays * DAY;
  return decayedBySegment(touches.filter((t) => t.at >= from && t.at < to), () => 1, o);
}

function decayedBySegment(touches: readonly Touch[], weight: (t: Touch) => number, o: { minSegmentUsers: number; limit: number }): SegmentedRanking {
  // latest touch per (shopper, item)
  const latest = new Map<string, Touch>();
  for (const t of touches) {
    const key = `${t.user}\u0000${t.item}`;
    const prev = latest.get(key);
    if (!prev || t.at > prev.at) latest.set(key, t);
  }
  const bySegment = new Map<string, Map<number, number>>();
  const usersBySegment = new Map<string, Set<string>>();
  const add = (seg: string, t: Touch, w: number) => {
    let m = bySegment.get(seg);
    if (!m) { m = new Map(); bySegment.set(seg, m); usersBySegment.set(seg, new Set()); }
    m.set(t.item, (m.get(t.item) ?? 0) + w);
    usersBySegment.get(seg)!.add(t.user);
  };
  for (const t of latest.values()) {
    const w = weight(t);
    add(ALL_SEGMENTS, t, w);
    if (t.segment) add(t.segment, t, w);
  }
  const out: SegmentedRanking = {};
  for (const [seg, m] of bySegment) {
    if (seg !== ALL_SEGMENTS && usersBySegment.get(seg)!.size < o.minSegmentUsers) continue;
    out[seg] = rank(m, o.limit);
  }
  return out;
}

function rank(counts: Map<number, number>, limit: number): Ranking {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
}
