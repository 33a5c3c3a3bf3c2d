/** GET/PUT /v1/guardrails over HTTP: partial changes kept, errors naming the field, the change audited with who made it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
beforeAll(async () => { s = await startTestServer({ background: false }); });
afterAll(async () => { await s?.close(); });

describe('guardrail settings over the API', () => {
  it('changes only the fields sent, refuses bad values by field, and audits who changed them', async () => {
    const before = (await s.api('GET', '/v1/guardrails')).body;
    const put = await s.api('PUT', '/v1/guardrails', { minGapMinutes: 45, quietHours: { start: 22, end: 7 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...before, minGapMinutes: 45, quietHours: { start: 22, end: 7 } });
    expect((await s.api('GET', '/v1/guardrails')).body.minGapMinutes).toBe(45);
    for (const [body, field] of [
      [{ minGapMinutes: 'soon' }, 'minGapMinutes'], [{ caps: [{ channel: 'email', max: -1, period: 'day' }] }, 'caps[0].max'],
      [{ quietHours: { start: 25, end: 7 } }, 'quietHours.start'], [{ defaultTimezone: 'Mars/Olympus' }, 'defaultTimezone'], [{ quiet: 1 }, 'quiet'],
    ] as const) {
      const r = await s.api('PUT', '/v1/guardrails', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await s.api('GET', '/v1/guardrails')).body.minGapMinutes).toBe(45);
    const audit = (await s.api('GET', '/v1/audit?action=guardrails.update')).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'key:key_admin', data: { minGapMinutes: 45, principal: { id: 'key_admin', role: 'admin' } } });
  });
});
