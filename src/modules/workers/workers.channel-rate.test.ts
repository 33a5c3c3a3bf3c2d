/** Channel choice divides tracked responses by Braid's own sends, not only by the sends a store reports as events. */
import { describe, expect, it } from 'vitest';
import { chooseChannel } from './workers.guardrails.ts';
import { channelRate } from './workers.steps.ts';

describe('channelRate', () => {
  // Two tracked opens, no `Email Delivered` events: traits alone say 3 / 12 = 0.25.
  const computed = { channelResponsiveness: { email: { sent: 2, responses: 2, rate: 0.25 }, push: { sent: 0, responses: 0, rate: 0.1 } } };

  it('uses the traits rate when Braid has sent no more than the events report', () => {
    expect(channelRate({ computed }, 'email')).toBe(0.25);
    expect(channelRate({ computed, sent: { email: 2 } }, 'email')).toBe(0.25);
    expect(channelRate({ computed: undefined }, 'email')).toBe(0);
  });

  it('counts ignored mail: 2 opens of 30 Braid emails is 3 / 40, below an untried channel', () => {
    const shopper = { computed, sent: { email: 30 } };
    expect(channelRate(shopper, 'email')).toBe(0.075);
    expect(channelRate(shopper, 'push')).toBe(0.1);
    const options = (['email', 'push'] as const).map((channel) => ({ channel, consented: true, reachable: true, rate: channelRate(shopper, channel) }));
    expect(chooseChannel(options)).toBe('push');
    expect(chooseChannel(options.map((o) => ({ ...o, rate: channelRate({ computed }, o.channel) })))).toBe('email');
  });
});
