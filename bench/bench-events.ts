/** Realistic Segment messages (analytics-node shaped, ~450 bytes each) built cheaply from a template. */
const PRODUCTS = ['shoe', 'tee', 'mug', 'lamp', 'sock', 'cap', 'bag', 'kettle'];
const EVENTS = ['Product Viewed', 'Product Viewed', 'Product Viewed', 'Product Added', 'Product List Viewed', 'Cart Viewed'];

/** A per-run prefix keeps messageIds unique across runs; the ids are uuids, as SDKs send. */
const RUN = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');

export function makeMessage(n: number): string {
  const p = PRODUCTS[n % PRODUCTS.length]!;
  return `{"type":"track","event":"${EVENTS[n % EVENTS.length]}","messageId":"${RUN}-0000-4000-8000-${n.toString(16).padStart(12, '0')}","anonymousId":"anon-${n % 50000}","timestamp":"2026-11-24T01:02:03.${String(n % 1000).padStart(3, '0')}Z","properties":{"product_id":"${p}-${n % 300}","sku":"${p}-${n % 300}-m","name":"Classic ${p} ${n % 300}","price":${(19.99 + (n % 50)).toFixed(2)},"currency":"USD","category":"Apparel"},"context":{"ip":"203.0.113.${n % 250}","userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36","library":{"name":"analytics-node","version":"3.1.0"}}}`;
}

export function makeBatchBody(start: number, count: number): string {
  const parts = new Array<string>(count);
  for (let i = 0; i < count; i++) parts[i] = makeMessage(start + i);
  return `{"batch":[${parts.join(',')}],"sentAt":"2026-11-24T01:02:04.000Z"}`;
}
