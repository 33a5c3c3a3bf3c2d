/**
 * Array parameters in Postgres's binary format, for both stores.
 *
 * Braid's batch statements pass 5,000-row columns as arrays (`unnest($1::text[], ...)`). As text,
 * the client escapes and quotes every element in JS and Postgres parses the literal back one
 * character at a time; binary is a length and the bytes per element. On the embedded store this
 * was the largest part of the heavy statements on the entry path (5,000 rows of 1 KB strings
 * through unnest: ~22 us per row as text, ~9 us in binary); on a Postgres server it is the client
 * CPU that node-postgres spends escaping (docs/storage.md, "Parameters").
 *
 * Contract: an array the SQL casts to `text[]`, `varchar[]` or `json[]` (`$2::text[]`) whose
 * elements are all strings or null is encoded for that type; cast to `int8[]`/`bigint[]`,
 * `int[]`/`int4[]`/`integer[]` or `float8[]`, numbers (integers in range for the int types) or
 * null likewise. The cast fixes the parameter's type, so the bytes are what Postgres expects.
 * Anything else (other casts, mixed elements, no cast) is left for the driver to send as text.
 * Casts inside comments and string literals are not read.
 */
export interface ArrayKind { oid: number; element: number; kind: 'string' | 'int8' | 'int4' | 'float8' }

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
const NOT_CODE = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g;

export function arrayCastsOf(sql: string): ReadonlyMap<number, ArrayKind> {
  let m = castCache.get(sql);
  if (m) return m;
  const found = new Map<number, ArrayKind>();
  for (const x of sql.replace(NOT_CODE, ' ').matchAll(CAST)) {
    const k = ARRAY_KINDS[x[2]!.toLowerCase()];
    if (k) found.set(Number(x[1]), k);
  }
  m = found;
  if (castCache.size >= 2000) castCache.clear();
  castCache.set(sql, m);
  return m;
}

const WIDTH = { int8: 8, int4: 4, float8: 8 } as const;

/**
 * Postgres's binary array format (array_send): ndim, has-nulls flag, element type, then per
 * dimension its length and lower bound, then per element its byte length (-1 for null) and bytes.
 * Undefined when an element does not fit the kind. The buffer is not from Buffer's shared pool
 * (the embedded store transfers it to its database thread).
 */
export function encodeArray(xs: readonly unknown[], kind: ArrayKind): Buffer | undefined {
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
  const b = Buffer.allocUnsafeSlow(xs.length === 0 ? 12 : size);
  b.writeInt32BE(xs.length === 0 ? 0 : 1, 0);
  b.writeInt32BE(hasNull, 4);
  b.writeInt32BE(kind.element, 8);
  if (xs.length === 0) return b;
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
  return b;
}

/**
 * The parameters with each cast array replaced by `wrap(its binary encoding, its kind)`; the same
 * array when nothing was replaced. By default the Buffer itself, which node-postgres sends in
 * binary (a Postgres server); the embedded store wraps it to tell its database thread what it is.
 */
export function binaryArrayParams(sql: string, params: unknown[] | undefined, wrap: (b: Buffer, kind: ArrayKind) => unknown = (b) => b): unknown[] {
  if (!params || params.length === 0) return params ?? [];
  let casts: ReadonlyMap<number, ArrayKind> | undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (!Array.isArray(p)) continue;
    casts ??= arrayCastsOf(sql);
    const kind = casts.get(i + 1);
    const b = kind && encodeArray(p, kind);
    if (!b) continue;
    out ??= params.slice();
    out[i] = wrap(b, kind);
  }
  return out ?? params;
}
