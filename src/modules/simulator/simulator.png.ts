/**
 * A tiny raster canvas and PNG encoder (zlib from node, CRC-32 here): the report's PNG needs no
 * browser, no network and no native package. Lines (with thickness), filled rectangles, and text
 * in a 5×7 bitmap font (simulator.font.ts).
 */
import { deflateSync } from 'node:zlib';
import { rasterizeText } from './simulator.font.ts';

export type Rgb = [number, number, number];

export class Canvas {
  readonly px: Uint8Array;
  constructor(readonly width: number, readonly height: number, bg: Rgb = [255, 255, 255]) {
    this.px = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.px.set(bg, i * 3);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x); y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.px.set(c, (y * this.width + x) * 3);
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.round(Math.min(y, y + h)); j < Math.round(Math.max(y, y + h)); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.set(i, j, c);
  }
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = Math.floor(thick / 2);
    for (let k = 0; k <= n; k++) {
      const x = x0 + (x1 - x0) * k / n, y = y0 + (y1 - y0) * k / n;
      for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) this.set(x + dx, y + dy, c);
    }
  }
  /** Draws `s` with its top at y, starting at x (`align` right: ending at x; center: centred on x). Returns its width. */
  text(x: number, y: number, s: string, c: Rgb, opts: { scale?: number; align?: 'left' | 'right' | 'center' } = {}): number {
    const t = rasterizeText(s, opts.scale ?? 1);
    const x0 = opts.align === 'right' ? x - t.width : opts.align === 'center' ? x - t.width / 2 : x;
    for (const [dx, dy] of t.pixels) this.set(x0 + dx, y + dy, c);
    return t.width;
  }
  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0;
      Buffer.from(this.px.buffer, this.px.byteOffset + y * this.width * 3, this.width * 3).copy(raw, y * (this.width * 3 + 1) + 1);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0); ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
