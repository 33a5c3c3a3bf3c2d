import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('applies documented defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './.braid', demo: true, databaseUrl: undefined });
  });
  it('reads every setting', () => {
    const c = parseConfig({ BRAID_PORT: '9090', BRAID_HOST: '0.0.0.0', BRAID_DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://u@h/db', BRAID_WRITE_KEY: 'wk_12345678', BRAID_ADMIN_KEY: 'ak_12345678', BRAID_DEMO: 'off' });
    expect(c).toMatchObject({ port: 9090, host: '0.0.0.0', dataDir: '/tmp/x', databaseUrl: 'postgres://u@h/db', writeKey: 'wk_12345678', adminKey: 'ak_12345678', demo: false });
  });
  it('stops on malformed values, naming each variable', () => {
    let err: unknown;
    try { parseConfig({ BRAID_PORT: '80a', BRAID_DEMO: 'maybe', DATABASE_URL: 'mysql://x' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('BRAID_PORT');
    expect(msg).toContain('BRAID_DEMO');
    expect(msg).toContain('DATABASE_URL');
  });
  it('stops on unknown BRAID_ variables (typos)', () => {
    expect(() => parseConfig({ BRAID_PROT: '1' })).toThrow(/BRAID_PROT is not a known setting/);
  });
  it('reads email tracking: on by default, consent or off, and names the variable when wrong', () => {
    expect(parseConfig({}).muscle.channels.emailTracking).toBe('on');
    expect(parseConfig({ BRAID_EMAIL_TRACKING: 'consent' }).muscle.channels.emailTracking).toBe('consent');
    expect(parseConfig({ BRAID_EMAIL_TRACKING: 'off' }).muscle.channels.emailTracking).toBe('off');
    expect(() => parseConfig({ BRAID_EMAIL_TRACKING: 'yes' })).toThrow(/BRAID_EMAIL_TRACKING must be one of on, consent, off/);
  });
  it('rejects a port out of range', () => {
    expect(() => parseConfig({ BRAID_PORT: '70000' })).toThrow(/BRAID_PORT/);
  });
});
