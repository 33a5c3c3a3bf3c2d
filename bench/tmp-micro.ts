import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBraid } from '../src/app/app.ts';
import { seedDemoIfEmpty } from '../src/app/demo-seed.ts';
import { parseConfig } from '../src/core/index.ts';
const braid = await createBraid({ config: parseConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'bm-')), demo: true, logLevel: 'warn' }), keys: { writeKey: 'wk_bench_123456', adminKey: 'ak_bench_123456' } });
await seedDemoIfEmpty(braid); braid.startBackground(); await braid.profiles.waitForProjection(180_000);
await braid.traits.refit(); await braid.recommendations.retrain();
const r = await braid.db.query<{ user_id: string }>('select user_id from profiles where user_id is not null order by id limit 500');
const refs = r.rows.map((x) => `userId:${x.user_id}`);
for (const ref of refs) await braid.decisioning.decide({ ref, placement: 'home_hero', context: {}, count: 4 });
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  for (let j = 0; j < 20; j++) for (const ref of refs) await braid.decisioning.decideJson({ ref, placement: 'home_hero', context: { device: 'mobile', timezone: 'Europe/London' }, count: 4 });
  console.log('per decision us', Math.round((performance.now() - t) / 10000 * 1000));
}
await braid.close();
