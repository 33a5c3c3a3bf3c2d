/**
 * Replays the real UCI Online Retail data set (541,909 invoice lines) through the public ingest
 * API exactly as a client would, and checks Braid against the numbers published for it
 * (../shared/data/online_retail/SOURCE.md): 25,900 invoices, 4,372 customers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { startTestBraid, TEST_KEYS } from '../../testing/braid.ts';
import { onlineRetailBatches } from './index.ts';

const FILE = join(SHARED_DATA_DIR, 'online_retail', 'online_retail.csv.gz');
const exists = existsSync(FILE);
if (!exists) console.warn(`skipping: ../shared/data absent (no ${FILE}); the Online Retail replay needs it`);

describe('UCI Online Retail replay over HTTP', () => {
  it.skipIf(!exists)('stores every invoice once and projects every customer', async () => {
    const t = await startTestBraid();
    try {
      const auth = `Basic ${Buffer.from(`${TEST_KEYS.writeKey}:`).toString('base64')}`;
      let sent = 0;
      for await (const batch of onlineRetailBatches(FILE)) {
        const res = await fetch(`${t.url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
        if (res.status !== 200) throw new Error(`batch after ${sent} messages: HTTP ${res.status} ${await res.text()}`);
        sent += batch.length;
      }
      expect(sent).toBe(25_900);

      // Read the whole log back: one stored message per invoice, revenue adding up to the published total.
      const orders = new Set<string>();
      let revenue = 0, stored = 0, after = 0;
      for (;;) {
        const page = await t.braid.events.readAfter(after, 5000);
        if (page.length === 0) break;
        for (const m of page) {
          stored++;
          if (m.event === 'Order Completed' || m.event === 'Order Refunded') {
            orders.add(String(m.properties!.order_id));
            revenue += m.properties!.revenue as number;
          }
        }
        after = page[page.length - 1]!.seq;
      }
      expect(stored).toBe(25_900);
      expect(orders.size).toBe(25_900);
      expect(revenue).toBeCloseTo(9_747_747.93, 1);

      while (!(await t.braid.profiles.waitForProjection(60_000))) { /* still projecting */ }
      const r = await t.braid.db.query<{ users: number }>(`select count(distinct value) as users from identities where type = 'user_id'`);
      expect(r.rows[0]!.users).toBe(4_372);
    } finally {
      await t.close();
    }
  }, 30 * 60_000);
});
