import { describe, expect, it } from 'vitest';
import { CSV_HEADERS, hashIdentifier, normalizeEmailFor, normalizePhoneFor, renderCsv, sha256Hex } from './index.ts';

// Known answers computed independently (printf '%s' VALUE | sha256sum).
const H = {
  'john.doe@example.com': '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f',
  'johndoe@gmail.com': '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3',
  'john.doe@gmail.com': '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef',
  '16505551234': '6069d14bf122fdfd931dc7beb58e5dfbba395b1faf05bdcd42d12358d63d8599',
  '+16505551234': 'a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0',
  '447911123456': '40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f',
  '+447911123456': '20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa',
};

describe('identifier normalization and hashing per platform', () => {
  it('hashes with lower-case hex SHA-256', () => {
    expect(sha256Hex('john.doe@example.com')).toBe(H['john.doe@example.com']);
  });

  it('Meta: email trimmed and lower-cased; phone digits only with country code, no +', () => {
    expect(normalizeEmailFor('meta', '  John.Doe@Example.COM ')).toBe('john.doe@example.com');
    expect(hashIdentifier('meta', 'email', '  John.Doe@Example.COM ')).toBe(H['john.doe@example.com']);
    // Meta keeps the dots of a gmail address
    expect(hashIdentifier('meta', 'email', 'John.Doe@gmail.com')).toBe(H['john.doe@gmail.com']);
    expect(normalizePhoneFor('meta', '+1 (650) 555-1234')).toBe('16505551234');
    expect(hashIdentifier('meta', 'phone', '+16505551234')).toBe(H['16505551234']);
    expect(hashIdentifier('meta', 'phone', '0044 7911 123456')).toBe(H['447911123456']);
  });

  it('Google: email trimmed, lower-cased, dots removed before @gmail.com / @googlemail.com; phone E.164 with +', () => {
    expect(normalizeEmailFor('google', ' John.Doe@Gmail.com')).toBe('johndoe@gmail.com');
    expect(normalizeEmailFor('google', 'j.o.h.n.doe@googlemail.com')).toBe('johndoe@googlemail.com');
    expect(hashIdentifier('google', 'email', 'John.Doe@gmail.com')).toBe(H['johndoe@gmail.com']);
    expect(hashIdentifier('google', 'email', 'John.Doe@Example.com')).toBe(H['john.doe@example.com']); // other domains keep their dots
    expect(normalizePhoneFor('google', '+1 650-555-1234')).toBe('+16505551234');
    expect(hashIdentifier('google', 'phone', '+16505551234')).toBe(H['+16505551234']);
    expect(hashIdentifier('google', 'phone', '+44 7911 123456')).toBe(H['+447911123456']);
  });

  it('refuses what is not an address or a full number', () => {
    expect(normalizeEmailFor('meta', 'not-an-email')).toBeUndefined();
    expect(normalizeEmailFor('google', '@gmail.com')).toBeUndefined();
    expect(normalizePhoneFor('meta', '123')).toBeUndefined();
    expect(hashIdentifier('google', 'phone', '')).toBeUndefined();
  });

  it('writes each platform\'s template headers, one row per identifier pair', () => {
    expect(CSV_HEADERS.meta).toEqual({ email: 'email', phone: 'phone' });
    expect(renderCsv('meta', [{ email: ['e1', 'e2'], phone: ['p1'] }])).toBe('email,phone\ne1,p1\ne2,\n');
    expect(renderCsv('google', [{ email: [], phone: ['p1'] }])).toBe('Email,Phone\n,p1\n');
  });
});
