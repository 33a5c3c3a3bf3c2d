import type { Priority } from './db.types.ts';

/**
 * An exclusive lock with two lanes. High-priority waiters go first, but a low-priority waiter that
 * has waited longer than `starvationMs` is served next, so background work always progresses.
 * The embedded database has a single session, so this is what serializes access to it.
 */
export class PriorityLock {
  private held = false;
  private readonly high: Array<() => void> = [];
  private readonly low: Array<{ wake: () => void; since: number }> = [];

  constructor(private readonly starvationMs = 250, private readonly monotonic: () => number = () => performance.now()) {}

  acquire(priority: Priority = 'high'): Promise<void> {
    if (!this.held) { this.held = true; return Promise.resolve(); }
    return new Promise((resolve) => {
      if (priority === 'high') this.high.push(resolve);
      else this.low.push({ wake: resolve, since: this.monotonic() });
    });
  }

  release(): void {
    const starving = this.low.length > 0 && this.monotonic() - this.low[0]!.since > this.starvationMs;
    const next = starving ? this.low.shift()!.wake : this.high.shift() ?? this.low.shift()?.wake;
    if (next) next(); // lock passes directly to the next holder
    else this.held = false;
  }

  get waiting(): { high: number; low: number } {
    return { high: this.high.length, low: this.low.length };
  }
}
