import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPS } from '../../core/index.ts';
import type { Contact } from '../channels/index.ts';
import { checkSend, chooseChannel, isQuiet, localHour, nextBestHour, parseGuardrails, quietHoursEnd, takeToken, type GuardrailSettings } from './workers.guardrails.ts';

const settings: GuardrailSettings = { caps: DEFAULT_CAPS, quietHours: { start: 21, end: 8 }, minGapMinutes: 60, paidSuppressionHours: 72, defaultTimezone: 'America/New_York' };
// 2026-06-10 16:00 UTC = 12:00 in New York (EDT), 18:00 in Paris.
const noonNY = Date.parse('2026-06-10T16:00:00Z');
const H = 3_600_000;
const c = (channel: Contact['channel'], hoursAgo: number): Contact => ({ channel, at: noonNY - hoursAgo * H, workerId: 'wkr_x', status: 'sent' });

describe('checkSend', () => {
  it('sends when nothing stands in the way', () => {
    expect(checkSend({ nowMs: noonNY, channel: 'email', contacts: [], settings, timeZone: 'America/New_York' })).toEqual({ kind: 'send' });
  });
  it('skips at the per-channel daily cap, and at the weekly cap counted over 7 rolling days', () => {
    expect(checkSend({ nowMs: noonNY, channel: 'email', contacts: [c('email', 5)], settings, timeZone: 'America/New_York' })).toEqual({ kind: 'skip', reason: 'frequency_cap:email:1/day' });
    const week = [c('email', 30), c('email', 60), c('email', 100), c('email', 150)];
    expect(checkSend({ nowMs: noonNY, channel: 'email', contacts: week, settings, timeZone: 'America/New_York' })).toEqual({ kind: 'skip', reason: 'frequency_cap:email:4/week' });
    // The oldest rolls out of the week: allowed again.
    expect(checkSend({ nowMs: noonNY, channel: 'email', contacts: [c('email', 30), c('email', 60), c('email', 100), c('email', 170)], settings, timeZone: 'America/New_York' }).kind).toBe('send');
  });
  it('caps across channels: two messages today on any channels stop a third', () => {
    const v = checkSend({ nowMs: noonNY, channel: 'push', contacts: [c('email', 5), c('sms', 3)], settings, timeZone: 'America/New_York' });
    expect(v).toEqual({ kind: 'skip', reason: 'frequency_cap:all:2/day' });
    // In-app and webhooks do not interrupt anyone: not counted.
    expect(checkSend({ nowMs: noonNY, channel: 'push', contacts: [c('in_app', 2), c('webhook', 3), c('webhook', 4)], settings, timeZone: 'America/New_York' }).kind).toBe('send');
  });
  it('defers to keep the minimum gap after the last message', () => {
    const v = checkSend({ nowMs: noonNY, channel: 'push', contacts: [c('email', 0.25)], settings, timeZone: 'America/New_York' });
    expect(v).toEqual({ kind: 'defer', until: noonNY - 0.25 * H + 60 * 60_000, reason: 'min_gap' });
  });
  it('defers through quiet hours in the shopper\'s own time zone, never drops', () => {
    // 18:00 in Paris is fine, 22:00 UTC is midnight in Paris: quiet until 08:00 Paris = 06:00 UTC.
    expect(checkSend({ nowMs: noonNY, channel: 'email', contacts: [], settings, timeZone: 'Europe/Paris' }).kind).toBe('send');
    const late = Date.parse('2026-06-10T22:00:00Z');
    expect(checkSend({ nowMs: late, channel: 'email', contacts: [], settings, timeZone: 'Europe/Paris' })).toEqual({ kind: 'defer', until: Date.parse('2026-06-11T06:00:00Z'), reason: 'quiet_hours' });
    // The same moment is 18:00 in New York: not quiet there.
    expect(checkSend({ nowMs: late, channel: 'email', contacts: [], settings, timeZone: 'America/New_York' }).kind).toBe('send');
    // Half-hour zones land on the local hour too.
    expect(quietHoursEnd(Date.parse('2026-06-10T17:00:00Z'), 'Asia/Kolkata', settings.quietHours)).toBe(Date.parse('2026-06-11T02:30:00Z'));
  });
  it('handles quiet windows that do not wrap midnight', () => {
    expect(isQuiet(13, { start: 12, end: 14 })).toBe(true);
    expect(isQuiet(14, { start: 12, end: 14 })).toBe(false);
    expect(isQuiet(23, { start: 21, end: 8 })).toBe(true);
    expect(isQuiet(5, { start: 8, end: 8 })).toBe(false);
    expect(localHour(Date.parse('2026-01-10T12:30:00Z'), 'America/New_York')).toBe(7.5);
  });
});

describe('timing, channel choice and rates', () => {
  it('waits for the best hour only within the allowed delay', () => {
    expect(nextBestHour(noonNY, 18, 24 * H)).toBe(Date.parse('2026-06-10T18:00:00Z'));
    expect(nextBestHour(noonNY, 10, 24 * H)).toBe(Date.parse('2026-06-11T10:00:00Z'));
    expect(nextBestHour(noonNY, 10, 6 * H)).toBeUndefined();
    expect(nextBestHour(noonNY, 16, 24 * H)).toBeUndefined(); // already in it
    expect(nextBestHour(noonNY, null, 24 * H)).toBeUndefined();
  });
  it('picks the most responsive consented, reachable channel', () => {
    expect(chooseChannel([
      { channel: 'email', consented: true, reachable: true, rate: 0.1 },
      { channel: 'sms', consented: false, reachable: true, rate: 0.9 },
      { channel: 'push', consented: true, reachable: true, rate: 0.3 },
    ])).toBe('push');
    expect(chooseChannel([{ channel: 'email', consented: true, reachable: false, rate: 1 }])).toBeUndefined();
  });
  it('limits a worker to its send rate', () => {
    const b = { tokens: 1, at: 0 };
    expect(takeToken(b, 0, 6)).toBe(0);
    expect(takeToken(b, 0, 6)).toBe(10_000);
    expect(takeToken(b, 10_000, 6)).toBe(0);
    expect(takeToken({ tokens: 0, at: 0 }, 0, 0)).toBe(0);
  });
  it('validates guardrail changes naming the field', () => {
    expect(() => parseGuardrails({ caps: [{ channel: 'fax', max: 1, period: 'day' }] }, settings)).toThrow(/caps\[0\]\.channel/);
    expect(() => parseGuardrails({ quietHours: { start: 25, end: 8 } }, settings)).toThrow(/quietHours\.start/);
    expect(() => parseGuardrails({ defaultTimezone: 'Mars/Base' }, settings)).toThrow(/defaultTimezone/);
    expect(parseGuardrails({ minGapMinutes: 0 }, settings).minGapMinutes).toBe(0);
  });
});
