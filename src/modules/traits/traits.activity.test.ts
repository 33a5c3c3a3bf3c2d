import { describe, expect, it } from 'vitest';
import { bestSendHour, channelResponsiveness, emptyActivity, foldActivity, MAX_NAMES, mergeActivity, type ActivityEvent } from './traits.activity.ts';

let seq = 0;
const ev = (name: string, hour: number, day = 1): ActivityEvent => ({ seq: ++seq, name, at: new Date(Date.UTC(2026, 2, day, hour, 15)).toISOString() });

describe('activity counters', () => {
  it('folds counts, last times and hour histograms, and skips events already folded', () => {
    const events = [ev('Email Opened', 9), ev('Email Opened', 9, 2), ev('Product Viewed', 20)];
    const a = foldActivity(emptyActivity(), events);
    expect(a.counts['Email Opened']).toEqual([2, Date.UTC(2026, 2, 2, 9, 15)]);
    expect(a.responseHours[9]).toBe(2);
    expect(a.activeHours[20]).toBe(1);
    expect(a.lastSeq).toBe(events[2]!.seq);
    expect(foldActivity(a, events)).toEqual(a); // a re-delivered batch changes nothing
  });

  it('keeps at most MAX_NAMES distinct names, except the channel and purchase events', () => {
    const many = Array.from({ length: MAX_NAMES + 5 }, (_, i) => ev(`Custom ${i}`, 1));
    const a = foldActivity(emptyActivity(), [...many, ev('Email Clicked', 2), ev('Extra', 3)], new Set(['Extra']));
    expect(Object.keys(a.counts)).toHaveLength(MAX_NAMES + 2);
    expect(a.counts['Email Clicked']?.[0]).toBe(1);
    expect(a.counts.Extra?.[0]).toBe(1);
  });

  it('merges two profiles\' activity by summing', () => {
    const a = foldActivity(emptyActivity(), [ev('Push Opened', 8)]);
    const b = foldActivity(emptyActivity(), [ev('Push Opened', 8), ev('SMS Clicked', 10)]);
    const m = mergeActivity(a, b);
    expect(m.counts['Push Opened']?.[0]).toBe(2);
    expect(m.counts['SMS Clicked']?.[0]).toBe(1);
    expect(m.responseHours[8]).toBe(2);
    expect(m.lastSeq).toBe(b.lastSeq);
  });
});

describe('channel responsiveness', () => {
  it('is the Beta(1, 9) posterior mean of responses per message reached', () => {
    // email: 20 delivered, 8 opened, 3 clicked → responses max(8, 3) = 8 → (8 + 1) / (20 + 10) = 0.3
    const events = [
      ...Array.from({ length: 20 }, () => ev('Email Delivered', 6)), ...Array.from({ length: 8 }, () => ev('Email Opened', 7)),
      ...Array.from({ length: 3 }, () => ev('Email Link Clicked', 7)), ev('Decision Clicked', 12),
    ];
    const c = channelResponsiveness(foldActivity(emptyActivity(), events));
    expect(c.email).toEqual({ sent: 20, responses: 8, rate: 0.3 });
    expect(c.sms).toEqual({ sent: 0, responses: 0, rate: 0.1 });
    expect(c.onsite).toEqual({ sent: 1, responses: 1, rate: 0.182 }); // a click implies the decision was shown: 2 / 11
  });
});

describe('best send hour', () => {
  it('is the UTC hour with the most smoothed weight, responses counting 3', () => {
    // opens at 9 (×2) and 10 (×1); browsing at 21 (×4)
    const a = foldActivity(emptyActivity(), [ev('Email Opened', 9), ev('Email Opened', 9, 2), ev('Email Opened', 10), ...[1, 2, 3, 4].map((d) => ev('Page', 21, d))]);
    // hour 9: 6 + 0.5·(0 + 3) = 7.5; hour 10: 3 + 0.5·6 = 6; hour 21: 4
    expect(bestSendHour(a)).toBe(9);
  });

  it('is null with too little evidence', () => {
    expect(bestSendHour(foldActivity(emptyActivity(), [ev('Page', 1), ev('Page', 2)]))).toBeNull();
  });
});
