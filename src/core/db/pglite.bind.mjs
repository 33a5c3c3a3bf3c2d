// The database thread's side of pglite.params.ts: hands PGlite the binary parameters the main
// thread encoded, once PGlite has asked Postgres each parameter's type. Plain JS, like the worker.
//
// A Uint8Array returned by a serializer is bound in binary format, read by the type's receive
// function. Arrays were encoded for the type their SQL cast names; long strings are plain UTF-8,
// which is the binary input of text, varchar, bpchar, json and unknown, and of jsonb after a
// version byte. Where the resolved type differs, the values are decoded and PGlite sends them as
// text, exactly as it would have without the encoding.

/** Types whose binary input is the plain UTF-8 bytes. */
const TEXT_TYPES = new Set([25, 1043, 1042, 114, 705]);
const JSONB = 3802;

const decoder = new globalThis.TextDecoder();

/** The values of a binary array made by db.binary.ts encodeArray (arrays the worker cannot bind in binary). */
function decodeArray(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getInt32(0) === 0) return [];
  const element = v.getInt32(8);
  const n = v.getInt32(12);
  const out = new Array(n);
  let o = 20;
  for (let i = 0; i < n; i++) {
    const len = v.getInt32(o);
    o += 4;
    if (len < 0) { out[i] = null; continue; }
    out[i] = element === 20 ? Number(v.getBigInt64(o)) : element === 23 ? v.getInt32(o) : element === 701 ? v.getFloat64(o) : decoder.decode(b.subarray(o, o + len));
    o += len;
  }
  return out;
}

/** Serializers for PGlite's query options, for every oid. */
export function createSerializers(db) {
  const text = (oid, v) => { const s = db.serializers[oid]; return s ? s(v) : v.toString(); };
  const bind = (oid, v) => {
    if (v === null || typeof v !== 'object' || !(v.b instanceof Uint8Array)) return text(oid, v);
    if (v.$bin === 's') {
      if (TEXT_TYPES.has(oid)) return v.b;
      if (oid === JSONB) { const out = new Uint8Array(v.b.length + 1); out[0] = 1; out.set(v.b, 1); return out; }
      return text(oid, decoder.decode(v.b));
    }
    if (v.$bin === 'a') return oid === v.oid ? v.b : text(oid, decodeArray(v.b));
    return text(oid, v);
  };
  const cache = new Map();
  return new Proxy({}, {
    get(_, key) {
      if (typeof key !== 'string') return undefined;
      const oid = Number(key);
      let f = cache.get(oid);
      if (!f) { f = (v) => bind(oid, v); cache.set(oid, f); }
      return f;
    },
  });
}
