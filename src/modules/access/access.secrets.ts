/**
 * Secrets: password hashing (scrypt, node:crypto), and API key / session token generation and
 * hashing (SHA-256: they are 256-bit random, so a fast hash is safe and keeps lookups cheap).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N=2^15, r=8, p=1 (~32 MB, tens of ms): OWASP's minimum recommendation. */
const N = 32768, R = 8, P = 1, KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url): parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64url'), want = Buffer.from(parts[5]!, 'base64url');
  if (![n, r, p].every(Number.isInteger) || want.length !== KEYLEN) return false;
  const got = await scryptAsync(password, salt, n, r, p);
  return timingSafeEqual(got, want);
}

/** A hash to verify against when the email is unknown, so the answer takes as long as for a known one. */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** API key secrets: `bk_` + 256 random bits. The prefix shown in lists is the first 10 characters. */
export function newApiKeySecret(): { secret: string; prefix: string } {
  const secret = 'bk_' + randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, 10) };
}

/** Session bearer tokens: `ses_` + 256 random bits (opaque; only the hash is stored). */
export function newSessionToken(): string {
  return 'ses_' + randomBytes(32).toString('base64url');
}
