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
import { arrayCastsOf, encodeArray, type ArrayKind } from './db.binary.ts';

export interface BinaryParam { $bin: 'a' | 's'; b: Uint8Array; oid?: number }

export const LONG_STRING = 512;

/** The parameters to post, and the buffers to transfer with them. */
export function encodeParams(sql: string | undefined, params: unknown[] | undefined): { params: unknown[] | undefined; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  if (!params || params.length === 0 || sql === undefined) return { params, transfer };
  let casts: ReadonlyMap<number, ArrayKind> | undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let enc: BinaryParam | undefined;
    if (Array.isArray(p)) {
      casts ??= arrayCastsOf(sql);
      const kind = casts.get(i + 1);
      const b = kind && encodeArray(p, kind);
      if (b) enc = { $bin: 'a', b, oid: kind.oid };
    } else if (typeof p === 'string' && p.length >= LONG_STRING) {
      const b = Buffer.allocUnsafeSlow(Buffer.byteLength(p));
      b.write(p, 0);
      enc = { $bin: 's', b };
    }
    if (!enc) continue;
    out ??= params.slice();
    out[i] = enc;
    transfer.push(enc.b.buffer as ArrayBuffer);
  }
  return { params: out ?? params, transfer };
}
