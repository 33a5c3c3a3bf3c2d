import { describe, expect, it } from 'vitest';
import { batchMessages, MAX_MESSAGE_BYTES, onlineRetailMessages, parseCsvLine, type SegmentMessage } from './index.ts';

const HEADER = '"InvoiceNo","StockCode","Description","Quantity","InvoiceDate","UnitPrice","CustomerID","Country"';
const SAMPLE = [
  HEADER,
  '"536365","85123A","WHITE HANGING HEART T-LIGHT HOLDER",6,"2010-12-01 08:26:00",2.55,"17850","United Kingdom"',
  '"536365","71053","WHITE METAL LANTERN",6,"2010-12-01 08:26:00",3.39,"17850","United Kingdom"',
  '"536414","22139",,56,"2010-12-01 11:52:00",0,,"United Kingdom"',
  '"536415","21123","SET 10 ""CHRISTMAS"" CARDS, SNOWY",2,"2010-12-01 11:57:00",0.001,,"EIRE"',
  '"536415","21124","RED TOADSTOOL LED NIGHT LIGHT",1,"2010-12-01 11:56:00",1.65,,"EIRE"',
  '"C536379","D","Discount",-1,"2010-12-01 09:41:00",27.5,"14527","United Kingdom"',
  '"536365","84406B","CREAM CUPID HEARTS COAT HANGER",8,"2010-12-01 08:26:00",2.75,"17850","United Kingdom"',
];

async function collect(lines: string[], window?: number): Promise<SegmentMessage[]> {
  const out: SegmentMessage[] = [];
  for await (const m of onlineRetailMessages(lines, window === undefined ? {} : { window })) out.push(m);
  return out;
}

describe('parseCsvLine (R write.csv quoting)', () => {
  it('unquotes strings, keeps bare numbers, tells NA (null) from an empty string', () => {
    expect(parseCsvLine('"a","b ""c"", d",3,,""')).toEqual(['a', 'b "c", d', '3', null, '']);
    expect(parseCsvLine('1,')).toEqual(['1', null]);
  });
  it('rejects a broken line', () => {
    expect(() => parseCsvLine('"abc')).toThrow(/unterminated/);
  });
});

describe('onlineRetailMessages', () => {
  it('turns each invoice into one Segment track message', async () => {
    const msgs = await collect(SAMPLE);
    expect(msgs.map((m) => m.messageId)).toEqual(['olr-536365', 'olr-536414', 'olr-536415', 'olr-C536379']);
    const [first, guest, eire, refund] = msgs as [SegmentMessage, SegmentMessage, SegmentMessage, SegmentMessage];
    expect(first).toEqual({
      type: 'track', event: 'Order Completed', messageId: 'olr-536365', timestamp: '2010-12-01T08:26:00Z', userId: '17850',
      properties: {
        order_id: '536365', currency: 'GBP', revenue: 57.64,
        products: [
          { product_id: '85123A', sku: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55, quantity: 6 },
          { product_id: '71053', sku: '71053', name: 'WHITE METAL LANTERN', price: 3.39, quantity: 6 },
          { product_id: '84406B', sku: '84406B', name: 'CREAM CUPID HEARTS COAT HANGER', price: 2.75, quantity: 8 },
        ],
      },
      context: { location: { country: 'United Kingdom' } },
    });
    expect(guest.userId).toBeUndefined();
    expect(guest.anonymousId).toBe('guest-536414');
    expect((guest.properties!.products as object[])[0]).toEqual({ product_id: '22139', sku: '22139', price: 0, quantity: 56 });
    expect(eire.timestamp).toBe('2010-12-01T11:56:00Z'); // the earliest line of the invoice
    expect(eire.properties!.revenue).toBe(1.652);
    expect((eire.properties!.products as Array<{ name: string }>)[0]!.name).toBe('SET 10 "CHRISTMAS" CARDS, SNOWY');
    expect(refund.event).toBe('Order Refunded');
    expect(refund.properties!.order_id).toBe('C536379');
    expect(refund.properties!.revenue).toBe(-27.5);
  });

  it('groups only within its window of open invoices', async () => {
    expect(await collect(SAMPLE, 1)).toHaveLength(5); // 536365 closed before its last line came back
  });

  it('rejects a file that is not the Online Retail CSV', async () => {
    await expect(collect(['"a","b"', '1,2'])).rejects.toThrow(/unexpected header/);
    await expect(collect([HEADER, '"1","2","x",one,"2010-12-01 08:26:00",1,"1","UK"'])).rejects.toThrow(/line 2/);
  });

  it('keeps a huge invoice under 32 KB, with full revenue', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 1200; i++) lines.push(`"581219","${20000 + i}","A RATHER LONG PRODUCT DESCRIPTION NUMBER ${i}",2,"2011-12-08 09:28:00",1.25,"14096","United Kingdom"`);
    const [m] = await collect(lines);
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const p = m!.properties as { revenue: number; products: Array<{ name?: string }>; products_omitted: number };
    expect(p.revenue).toBe(3000);
    expect(p.products[0]!.name).toBeUndefined();
    expect(p.products.length + p.products_omitted).toBe(1200);
    expect(p.products.length).toBeGreaterThan(500);
  });
});

describe('batchMessages', () => {
  it('respects the message count and byte limits', async () => {
    const msgs = Array.from({ length: 1234 }, (_, i): SegmentMessage => ({ type: 'track', event: 'X', messageId: `m${i}`, timestamp: '2020-01-01T00:00:00Z', userId: 'u', properties: { pad: 'x'.repeat(i % 7 === 0 ? 2000 : 10) } }));
    const batches: SegmentMessage[][] = [];
    for await (const b of batchMessages(msgs, { maxMessages: 500, maxBytes: 50_000 })) batches.push(b);
    expect(batches.flat().map((m) => m.messageId)).toEqual(msgs.map((m) => m.messageId));
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(50_000);
    }
  });
});
