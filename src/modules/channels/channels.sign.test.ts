import { describe, expect, it } from 'vitest';
import { signTwilio, signUnsubscribe, signWebhook, verifyTwilio, verifyUnsubscribe, verifyWebhook } from './channels.sign.ts';
import { twilioStatus } from './channels.receipts.ts';

describe('signatures', () => {
  it("computes X-Twilio-Signature exactly as Twilio's documented example", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(signTwilio('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilio('12345', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(verifyTwilio('12345', url, { ...params, Digits: '9' }, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(verifyTwilio('12345', url, params, undefined)).toBe(false);
  });

  it('signs webhooks as sha256=hex(HMAC(secret, timestamp.body)) and rejects stale or altered ones', () => {
    const now = 1_780_000_000_000;
    const ts = String(now / 1000);
    const sig = signWebhook('s3cret', ts, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('s3cret', ts, '{"a":1}', sig, now)).toBe(true);
    expect(verifyWebhook('s3cret', ts, '{"a":2}', sig, now)).toBe(false);
    expect(verifyWebhook('other', ts, '{"a":1}', sig, now)).toBe(false);
    expect(verifyWebhook('s3cret', ts, '{"a":1}', sig, now + 301_000)).toBe(false);
  });

  it('round-trips unsubscribe tokens and refuses tampered ones', () => {
    const t = signUnsubscribe('k', { profileId: 'prf_1', purpose: 'email_marketing', messageId: 'msg_1' });
    expect(verifyUnsubscribe('k', t)).toEqual({ profileId: 'prf_1', purpose: 'email_marketing', messageId: 'msg_1' });
    expect(verifyUnsubscribe('other', t)).toBeUndefined();
    const [payload, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'prf_2', u: 'email_marketing' })).toString('base64url');
    expect(verifyUnsubscribe('k', `${forged}.${mac}`)).toBeUndefined();
    expect(verifyUnsubscribe('k', payload!)).toBeUndefined();
  });

  it('maps Twilio statuses onto receipts', () => {
    expect(twilioStatus('delivered', undefined)).toBe('delivered');
    expect(twilioStatus('undelivered', '30005')).toBe('bounced');
    expect(twilioStatus('failed', '21610')).toBe('complained');
    expect(twilioStatus('failed', '30001')).toBe('failed');
    expect(twilioStatus('sent', undefined)).toBeUndefined();
  });
});
