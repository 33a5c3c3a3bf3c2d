import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Prefixed, time-ordered ids (`prf_01j...`): 10 chars of millisecond time then 16 random chars,
 * so ids sort by creation time and never collide across processes.
 */
export function newId(prefix: string, clock: Clock): string {
  let t = clock.now();
  let time = '';
  for (let i = 0; i < 10; i++) { time = ALPHABET[t % 32]! + time; t = Math.floor(t / 32); }
  if (poolAt + 16 > pool.length) { pool = randomBytes(4096); poolAt = 0; }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[pool[poolAt++]! % 32];
  return `${prefix}_${time}${rand}`;
}

/** Random bytes drawn 4 KB at a time: one system call per 256 ids on hot paths (decisions). */
let pool = Buffer.alloc(0);
let poolAt = 0;

export function hasPrefix(id: string, prefix: string): boolean {
  return id.startsWith(prefix + '_');
}
