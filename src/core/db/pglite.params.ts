/**
 * Parameters for the embedded store, encoded on the caller's thread (the database has a thread of
 * its own, and it is the busier one on the entry path).
 *
 * PGlite sends every parameter as text, and its JS side measures each string's UTF-8 length one
 * character at a time on the database thread. Here, cast arrays become Postgres's binary arrays
 * (db.binary.ts) and strings of LONG_STRING characters or more their UTF-8 bytes, as {$bin, b}
 * objects whose buffers are transferred, not copied, to the database thread. There
 * (pglite.bind.mjs) each is bound in binary where the type Postgres resolved takes those bytes,
 * and decoded back to text where it does not, so a result never depends on the encoding.
 */
import { binaryArrayParams } from './db.binary.ts';

interface BinaryParam { $bin: 'a' | 's'; b: Uint8Array; oid?: number }

const LONG_STRING = 512;

/** The parameters to post, and the buffers to transfer with them. */
export function encodeParams(sql: string, params: unknown[] | undefined): { params: unknown[] | undefined; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  if (!params || params.length === 0) return { params, transfer };
  const wrap = (b: Uint8Array, x: Omit<BinaryParam, 'b'>): BinaryParam => { transfer.push(b.buffer as ArrayBuffer); return { ...x, b }; };
  let out = binaryArrayParams(sql, params, (b, kind) => wrap(b, { $bin: 'a', oid: kind.oid }));
  for (let i = 0; i < out.length; i++) {
    const p = out[i];
    if (typeof p !== 'string' || p.length < LONG_STRING) continue;
    const b = Buffer.allocUnsafeSlow(Buffer.byteLength(p));
    b.write(p, 0);
    if (out === params) out = params.slice();
    out[i] = wrap(b, { $bin: 's' });
  }
  return { params: out, transfer };
}
