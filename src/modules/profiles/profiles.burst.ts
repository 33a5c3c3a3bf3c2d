/**
 * Is ingest in a burst? The projection rests while it is (profiles.projector.ts), so it needs to
 * see a burst's end soon after the last commit, without taking a pause inside a burst for its end.
 *
 * A burst has ended when no commit came for a few of its typical gaps between commits (an average
 * of recent gaps), within [minMs, maxMs]. Group commits from many HTTP clients come ~70-270 ms
 * apart (bench:ingest, 16 connections: median 121 ms), so their window stays at maxMs; a
 * pipelined importer's commits ~10-40 ms apart (bench:workers: median 16 ms) end theirs after
 * ~50-60 ms instead of 250. Gaps of maxMs or more are pauses between bursts and are not averaged.
 * Pure: times are passed in (monotonic ms).
 */
export interface BurstOptions { minMs: number; maxMs: number; gapsPerWindow: number }

export interface BurstDetector {
  /** Records a commit at `now`. */
  commit(now: number): void;
  /** True while the last commit is more recent than the current window. */
  busy(now: number): boolean;
  /** The current window, ms. */
  window(): number;
}

/** Weight of the newest gap in the average (about the last ten gaps count). */
const ALPHA = 0.2;

export function createBurstDetector({ minMs, maxMs, gapsPerWindow }: BurstOptions): BurstDetector {
  let last = -Infinity;
  // Starts at the widest window: a burst's first commits do not yet say how close they come.
  let gap = maxMs / gapsPerWindow;
  const window = () => Math.min(maxMs, Math.max(minMs, gap * gapsPerWindow));
  return {
    commit(now) {
      const g = now - last;
      if (g < maxMs) gap += (g - gap) * ALPHA;
      last = now;
    },
    busy: (now) => now - last < window(),
    window,
  };
}
