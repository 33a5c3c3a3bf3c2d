// Hosts PGlite on its own thread so the database gets a core of its own while the main thread
// parses HTTP. Plain JS on purpose: worker threads do not inherit the TypeScript loader.
// Protocol: {id, op: 'query'|'exec'|'close', sql, params, begin?} -> {id, ok, rows, affectedRows} | {id, ok: false, error}
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import { createSerializers } from './pglite.bind.mjs';

const parsers = {
  [types.INT8]: (v) => Number(v),
  [types.NUMERIC]: (v) => Number(v),
};

const db = await PGlite.create(workerData.dataDir ?? undefined, {
  parsers,
  startParams: workerData.startParams,
});

const serializers = createSerializers(db);

function serializeError(e) {
  return { message: e?.message ?? String(e), code: e?.code, detail: e?.detail, constraint: e?.constraint };
}

parentPort.on('message', async (msg) => {
  const { id, op } = msg;
  try {
    if (op === 'query') {
      // A transaction's BEGIN comes with its first statement (pglite.client.ts).
      if (msg.begin) await db.exec('BEGIN');
      const r = await db.query(msg.sql, msg.params ?? [], { serializers });
      parentPort.postMessage({ id, ok: true, rows: r.rows, affectedRows: r.affectedRows ?? 0 });
    } else if (op === 'exec') {
      await db.exec(msg.sql);
      parentPort.postMessage({ id, ok: true, rows: [], affectedRows: 0 });
    } else if (op === 'close') {
      await db.close();
      parentPort.postMessage({ id, ok: true, rows: [], affectedRows: 0 });
    }
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: serializeError(e) });
  }
});
parentPort.postMessage({ ready: true });
