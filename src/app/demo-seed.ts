import type { Braid } from './app.ts';
/** Placeholder until the demo store generator lands. */
export async function seedDemoIfEmpty(_braid: Braid): Promise<Record<string, number> | undefined> { return undefined; }
