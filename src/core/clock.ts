/**
 * The only place Braid reads wall-clock time. Everything else receives a Clock, so tests and the
 * shopper simulator can drive time. Scheduling (setTimeout) is not "reading time" and may stay real.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createManualClock(startMs: number): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    set: (ms) => { t = ms; },
    advance: (ms) => { t += ms; },
  };
}

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
