/**
 * Rendered contents of queued messages, kept by the process that queued them until a delivery
 * attempt takes them, so sending does not read back from the database what was just written
 * there. Only a cache: a miss (another process queued it, a retry, a restart, or the byte budget
 * was full) reads delivery_contents.
 */
export interface ContentCache {
  remember(id: string, json: string): void;
  /** The JSON text for `id`, removed from the cache. */
  take(id: string): string | undefined;
  readonly size: number;
}

export function createContentCache(maxBytes = 32 * 1024 * 1024): ContentCache {
  const texts = new Map<string, string>();
  let bytes = 0;
  return {
    remember(id, json) {
      // Strings are UTF-16 in memory: twice their length in bytes, roughly. Over budget, the oldest
      // go first (a message another process took would otherwise stay for good).
      if (texts.has(id) || json.length * 2 > maxBytes) return;
      texts.set(id, json);
      bytes += json.length * 2;
      for (const [old, text] of texts) {
        if (bytes <= maxBytes) break;
        texts.delete(old);
        bytes -= text.length * 2;
      }
    },
    take(id) {
      const json = texts.get(id);
      if (json !== undefined) { texts.delete(id); bytes -= json.length * 2; }
      return json;
    },
    get size() { return texts.size; },
  };
}
