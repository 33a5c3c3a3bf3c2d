/**
 * Parameters for the embedded store in Postgres's binary format, encoded on the caller's thread.
 *
 * PGlite sends every parameter as text, and its JS side measures each string's UTF-8 length one
 * character at a time on the database thread; Postgres then parses array literals one character
 * at a time again. Braid's batch statements pass 5,000-row columns (unnest) and JSON documents of
 * several megabytes, so on the entry path that transport was the largest part of the heavy
 * statements: 5,000 rows of 1 KB strings through unnest cost ~22 us per row as text, ~9 us in
 * binary (docs/storage.md). Binary needs no escaping and no parsing, and the bytes cross to the
 * database thread as a transferred buffer instead of a copied string.
 *
 * Contract (the database thread's side is pglite.bind.mjs):
 * - an array parameter the SQL casts to `text[]`, `varchar[]` or `json[]` (`$2::text[]`) whose
 *   elements are all strings or null becomes {$bin:'a'}: Postgres's binary array of that type;
 *   cast to `int8[]`, `int[]` or `float8[]` with numbers (integers for the int types) or null,
 *   likewise. The cast is what fixes the parameter's type, so the encoding can rely on it.
 * - a string of LONG_STRING characters or more becomes {$bin:'s'}: its UTF-8 bytes.
 * - everything else passes untouched, for PGlite to serialize as text as before.
 * The database thread checks each against the type Postgres resolved and falls back to text when
 * they differ, so a result never depends on the encoding.
 */
export interface BinaryParam { $bin: 'a' | 's'; b: Uint8Array; oid?: number }

export const LONG_STRING = 512;

interface ArrayKind { oid: number; element: number; kind: 'string' | 'int8' | 'int4' | 'float8' }
const ARRAY_KINDS: Record<string, ArrayKind> = {
  'text[]': { oid: 1009, element: 25, kind: 'string' },
  'varchar[]': { oid: 1015, element: 1043, kind: 'string' },
  'json[]': { oid: 199, element: 114, kind: 'string' },
  'int8[]': { oid: 1016, element: 20, kind: 'int8' },
  'bigint[]': { oid: 1016, element: 20, kind: 'int8' },
  'int[]': { oid: 1007, element: 23, kind: 'int4' },
  'int4[]': { oid: 1007, element: 23, kind: 'int4' },
  'integer[]': { oid: 1007, element: 23, kind: 'int4' },
  'float8[]': { oid: 1022, element: 701, kind: 'float8' },
};

/** Per statement text: the array kind each parameter is cast to. Bounded: SQL built per call must not grow it. */
const castCache = new Map<string, ReadonlyMap<number, ArrayKind>>();
const CAST = /\$(\d+)::([a-z0-9]+\[\])/gi;

function castsOf(sql: string): ReadonlyMap<number, ArrayKind> {
  let m = castCache.get(sql);
  if (m) return m;
  const found = new Map<number, ArrayKind>();
  for (const x of sql.matchAll(CAST)) {
    const k = ARRAY_KINDS[x[2]!.toLowerCase()];
    if (k) found.set(Number(x[1]), k);
  }
  m = found;
  if (castCache.size >= 2000) castCache.clear();
  castCache.set(sql, m);
  return m;
}

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
      casts ??= castsOf(sql);
      const kind = casts.get(i + 1);
      if (kind) enc = encodeArray(p, kind);
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

const WIDTH = { int8: 8, int4: 4, float8: 8 } as const;

/**
 * Postgres's binary array format (array_send): ndim, has-nulls flag, element type, then per
 * dimension its length and lower bound, then per element its byte length (-1 for null) and bytes.
 * Undefined when an element does not fit the kind (PGlite then sends the array as text).
 */
export function encodeArray(xs: readonly unknown[], kind: ArrayKind): BinaryParam | undefined {
  let size = 20 + 4 * xs.length;
  let hasNull = 0;
  const lens = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x === null || x === undefined) { lens[i] = -1; hasNull = 1; continue; }
    if (kind.kind === 'string') {
      if (typeof x !== 'string') return undefined;
      lens[i] = Buffer.byteLength(x);
    } else {
      if (typeof x !== 'number') return undefined;
      if (kind.kind === 'int8' && !Number.isSafeInteger(x)) return undefined;
      if (kind.kind === 'int4' && (!Number.isInteger(x) || x < -2147483648 || x > 2147483647)) return undefined;
      if (kind.kind === 'float8' && !Number.isFinite(x)) return undefined;
      lens[i] = WIDTH[kind.kind];
    }
    size += lens[i]!;
  }
  // Not from Buffer's shared pool: the buffer is transferred to the database thread.
  const b = Buffer.allocUnsafeSlow(size);
  b.writeInt32BE(xs.length === 0 ? 0 : 1, 0);
  b.writeInt32BE(hasNull, 4);
  b.writeInt32BE(kind.element, 8);
  if (xs.length === 0) return { $bin: 'a', b: b.subarray(0, 12), oid: kind.oid };
  b.writeInt32BE(xs.length, 12);
  b.writeInt32BE(1, 16);
  let o = 20;
  for (let i = 0; i < xs.length; i++) {
    const n = lens[i]!;
    b.writeInt32BE(n, o);
    o += 4;
    if (n < 0) continue;
    const x = xs[i];
    if (kind.kind === 'string') o += b.write(x as string, o);
    else if (kind.kind === 'int8') { b.writeBigInt64BE(BigInt(x as number), o); o += 8; }
    else if (kind.kind === 'int4') { b.writeInt32BE(x as number, o); o += 4; }
    else { b.writeDoubleBE(x as number, o); o += 8; }
  }
  return { $bin: 'a', b, oid: kind.oid };
}
