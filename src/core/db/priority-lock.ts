import type { Priority } from './db.types.ts';

export type LockMode = 'shared' | 'exclusive';

interface Waiter { wake: () => void; mode: LockMode; since: number }

/**
 * The embedded database's single session, shared fairly. Three lanes, served in order (high, then
 * low, then background), except that a waiter of a lower lane that has waited longer than
 * `starvationMs` is served next (the oldest such first), so background work always progresses. Two modes: a transaction holds the session exclusively (its
 * statements must not interleave with anyone else's); single statements hold it shared, up to
 * `maxShared` at once. Shared holders are pipelined: the database thread runs the next queued
 * statement while the main thread is still busy with the last reply, instead of idling for a
 * round trip. Waiters are served in order, so a waiting transaction is never overtaken by
 * statements that arrive after it.
 */
export class PriorityLock {
  private exclusive = false;
  private shared = 0;
  private readonly lanes: Record<Priority, Waiter[]> = { high: [], low: [], background: [] };

  constructor(
    private readonly starvationMs = 250,
    private readonly monotonic: () => number = () => performance.now(),
    private readonly maxShared = 1,
  ) {}

  acquire(priority: Priority = 'high', mode: LockMode = 'exclusive'): Promise<void> {
    const { high, low, background } = this.lanes;
    if (high.length === 0 && low.length === 0 && background.length === 0 && this.fits(mode)) { this.take(mode); return Promise.resolve(); }
    return new Promise((wake) => this.lanes[priority].push({ wake, mode, since: this.monotonic() }));
  }

  release(mode: LockMode = 'exclusive'): void {
    if (mode === 'exclusive') this.exclusive = false;
    else this.shared--;
    this.grant();
  }

  /** Wakes waiters in service order while each fits; stops at the first that does not. */
  private grant(): void {
    for (;;) {
      const lane = this.nextLane();
      const next = lane?.[0];
      if (!next || !this.fits(next.mode)) return;
      lane.shift();
      this.take(next.mode);
      next.wake();
    }
  }

  private nextLane(): Waiter[] | undefined {
    const { high, low, background } = this.lanes;
    const now = this.monotonic();
    let starving: Waiter[] | undefined;
    for (const lane of [low, background]) {
      if (lane.length > 0 && now - lane[0]!.since > this.starvationMs && (!starving || lane[0]!.since < starving[0]!.since)) starving = lane;
    }
    return starving ?? (high.length > 0 ? high : low.length > 0 ? low : background.length > 0 ? background : undefined);
  }

  private fits(mode: LockMode): boolean {
    return mode === 'exclusive' ? !this.exclusive && this.shared === 0 : !this.exclusive && this.shared < this.maxShared;
  }

  private take(mode: LockMode): void {
    if (mode === 'exclusive') this.exclusive = true;
    else this.shared++;
  }

  get waiting(): Record<Priority, number> {
    return { high: this.lanes.high.length, low: this.lanes.low.length, background: this.lanes.background.length };
  }
}
