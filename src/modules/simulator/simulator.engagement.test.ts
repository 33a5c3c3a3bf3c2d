import { describe, expect, it } from 'vitest';
import { IMAGES_ON_SHARE, loadsImages, reveal } from './simulator.engagement.ts';
import { readMail } from './simulator.mail.ts';

describe('what a mail client reveals of a shopper\'s reaction', () => {
  it('shows an open only through the pixel (images on), a click only when the shopper acts on the email', () => {
    const on = Array.from({ length: 2000 }, (_, i) => i).filter((i) => loadsImages(i));
    expect(on.length / 2000).toBeGreaterThan(IMAGES_ON_SHARE - 0.03);
    expect(on.length / 2000).toBeLessThan(IMAGES_ON_SHARE + 0.03);
    const i = on[0]!, off = Array.from({ length: 50 }, (_, k) => k).find((k) => !loadsImages(k))!;
    expect(reveal(i, { opened: false, persuaded: false })).toEqual({ pixel: false, click: false });
    expect(reveal(i, { opened: true, persuaded: false })).toEqual({ pixel: true, click: false });
    expect(reveal(i, { opened: true, persuaded: true })).toEqual({ pixel: true, click: true });
    // Images off: the open stays hidden, the click still shows.
    expect(reveal(off, { opened: true, persuaded: false })).toEqual({ pixel: false, click: false });
    expect(reveal(off, { opened: true, persuaded: true })).toEqual({ pixel: false, click: true });
    expect(reveal(i, { opened: true, persuaded: false }, 0).pixel).toBe(false);
  });

  it('finds the open pixel and the tracked links in the email (and the products in its text part)', () => {
    const html = '<p><a href="http://127.0.0.1:9/v1/t/c/AAA.sig1">Boots</a> <a href="http://127.0.0.1:9/v1/unsubscribe?t=u">Unsubscribe</a></p>'
      + '<img src="http://127.0.0.1:9/v1/t/o/BBB.sig2" width="1" height="1" alt="">';
    const raw = ['To: <sim_u1@shoppers.sim.example>', 'Content-Type: multipart/alternative; boundary="b1"', '',
      '--b1', 'Content-Transfer-Encoding: 7bit', '', 'Boots: https://shop.sim.example/p/sp_4', '',
      '--b1', 'Content-Transfer-Encoding: base64', '', Buffer.from(html).toString('base64'), '--b1--'].join('\r\n');
    const m = readMail(raw);
    expect(m.pixelUrl).toBe('http://127.0.0.1:9/v1/t/o/BBB.sig2');
    expect(m.trackedLinks).toEqual(['http://127.0.0.1:9/v1/t/c/AAA.sig1']);
    expect(m.productIds).toEqual(['sp_4']);
    expect(readMail(raw.replace(Buffer.from(html).toString('base64'), Buffer.from('<p>plain</p>').toString('base64'))).pixelUrl).toBeUndefined();
  });
});
