import type { Priority } from './db.types.ts';

export type LockMode = 'shared' | 'exclusive';

interface Waiter { wake: () => void; mode: LockMode; since: number }

/**
 * The embedded database's single session, shared fairly. Two lanes: high-priority waiters go
 * first, but a low-priority waiter that has waited longer than `starvationMs` is served next, so
 * background work always progresses. Two modes: a transaction holds the session exclusively (its
 * statements must not interleave with anyone else's); single statements hold it shared, up to
 * `maxShared` at once. Shared holders are pipelined: the database thread runs the next queued
 * statement while the main thread is still busy with the last reply, instead of idling for a
 * round trip. Waiters are served in order, so a waiting transaction is never overtaken by
 * statements that arrive after it.
 */
export class PriorityLock {
  private exclusive = false;
  private shared = 0;
  private readonly high: Waiter[] = [];
  private readonly low: Waiter[] = [];

  constructor(
    private readonly starvationMs = 250,
    private readonly monotonic: () => number = () => performance.now(),
    private readonly maxShared = 1,
  ) {}

  acquire(priority: Priority = 'high', mode: LockMode = 'exclusive'): Promise<void> {
    if (this.high.length === 0 && this.low.length === 0 && this.fits(mode)) { this.take(mode); return Promise.resolve(); }
    return new Promise((wake) => (priority === 'high' ? this.high : this.low).push({ wake, mode, since: this.monotonic() }));
  }

  release(mode: LockMode = 'exclusive'): void {
    if (mode === 'exclusive') this.exclusive = false;
    else this.shared--;
    this.grant();
  }

  /** Wakes waiters in service order while each fits; stops at the first that does not. */
  private grant(): void {
    for (;;) {
      const lane = this.low.length > 0 && this.monotonic() - this.low[0]!.since > this.starvationMs ? this.low
        : this.high.length > 0 ? this.high : this.low;
      const next = lane[0];
      if (!next || !this.fits(next.mode)) return;
      lane.shift();
      this.take(next.mode);
      next.wake();
    }
  }

  private fits(mode: LockMode): boolean {
    return mode === 'exclusive' ? !this.exclusive && this.shared === 0 : !this.exclusive && this.shared < this.maxShared;
  }

  private take(mode: LockMode): void {
    if (mode === 'exclusive') this.exclusive = true;
    else this.shared++;
  }

  get waiting(): { high: number; low: number } {
    return { high: this.high.length, low: this.low.length };
  }
}
