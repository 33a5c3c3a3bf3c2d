/**
 * Runs the world under a baseline policy, entirely in memory (pure: no I/O). Returns the books.
 */
import { createBaseline, type BaselineName, type Planned } from './simulator.policies.ts';
import { buildWorld, WorldRun } from './simulator.world.ts';
import type { SimConfig } from './simulator.types.ts';

export function runBaseline(cfg: SimConfig, seed: number, name: BaselineName): WorldRun {
  const run = new WorldRun(buildWorld(cfg, seed));
  const policy = createBaseline(name, { policyStartHour: run.policyStartHour, consumables: new Set(run.world.products.filter((p) => p.consumable).map((p) => p.id)) });
  const audience = { consented: (i: number) => run.world.shoppers[i]!.emailConsent && !run.states[i]!.unsubscribed };
  const queue = new Map<number, Planned[]>();
  for (let h = 0; h < run.hours; h++) {
    for (const p of queue.get(h) ?? []) if (audience.consented(p.shopper)) run.deliver(p.shopper, p.msg, h);
    queue.delete(h);
    const events = run.step(h);
    for (const p of policy.observe(events, h, audience, run.world.shoppers.length)) {
      const at = Math.max(p.hour, h + 1);
      let list = queue.get(at);
      if (!list) queue.set(at, list = []);
      list.push(p);
    }
  }
  return run;
}
