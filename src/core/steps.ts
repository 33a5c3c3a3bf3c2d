/**
 * Long CPU work (model fits, training) written as generators that `yield` between small steps,
 * run either at once (evaluations, tests) or cooperatively inside the server, where it must not
 * hold the event loop: decisions have a 5 ms p99 budget.
 */

/** Runs stepwise work to completion at once. */
export function runSync<T>(g: Generator<void, T>): T {
  for (;;) { const r = g.next(); if (r.done) return r.value; }
}

/** Runs stepwise work, yielding to the event loop (setImmediate) after each `sliceMs` of work. */
export async function runCooperatively<T>(g: Generator<void, T>, sliceMs = 2): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}
