/**
 * Settings of users, sessions and the first admin user (src/modules/access). The static keys
 * (BRAID_ADMIN_KEY, BRAID_WRITE_KEY, BRAID_DECIDE_KEY) stay in config.ts / config.brain.ts.
 */
export interface AccessConfig {
  /** BRAID_ADMIN_EMAIL + BRAID_ADMIN_PASSWORD: create this admin user at start when no user has the email. */
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** BRAID_SESSION_HOURS: a login's bearer token expires this many hours after login. */
  sessionHours: number;
}

export const ACCESS_KEYS = ['BRAID_ADMIN_EMAIL', 'BRAID_ADMIN_PASSWORD', 'BRAID_SESSION_HOURS'] as const;

/** Shortest password accepted (users' and the bootstrap admin's). */
export const MIN_PASSWORD_LENGTH = 8;

export function parseAccessConfig(str: (k: string) => string | undefined, problems: string[]): AccessConfig {
  const adminEmail = str('BRAID_ADMIN_EMAIL')?.toLowerCase();
  const adminPassword = str('BRAID_ADMIN_PASSWORD');
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) problems.push(`BRAID_ADMIN_EMAIL must be an email address, got "${adminEmail}"`);
  if ((adminEmail === undefined) !== (adminPassword === undefined)) problems.push('BRAID_ADMIN_EMAIL and BRAID_ADMIN_PASSWORD must be set together');
  if (adminPassword !== undefined && adminPassword.length < MIN_PASSWORD_LENGTH) problems.push(`BRAID_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
  let sessionHours = 12;
  const raw = str('BRAID_SESSION_HOURS');
  if (raw !== undefined) {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || n > 24 * 90) problems.push(`BRAID_SESSION_HOURS must be a number of hours above 0 and at most 2160, got "${raw}"`);
    else sessionHours = n;
  }
  return { adminEmail, adminPassword, sessionHours };
}
