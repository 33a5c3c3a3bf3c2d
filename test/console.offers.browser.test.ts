/**
 * Offers and guardrails in the console, in real Chromium against a real Braid with a small demo
 * store (test/console-browser.harness.ts): create and edit an offer and the guardrails, with the
 * server's validation errors shown at the field; an analyst reads both and is offered no edit. Any
 * console error, page error, failed request or unexpected HTTP error fails the test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_KEYS, type TestServer } from '../src/testing/server.ts';
import { openConsoleHarness, runBrowserTests, type ConsoleHarness } from './console-browser.harness.ts';

describe.skipIf(!runBrowserTests)('offers and guardrails in the console (Chromium)', { timeout: 240_000 }, () => {
  let h: ConsoleHarness;
  let s: TestServer;
  let page: Page;

  beforeAll(async () => {
    h = await openConsoleHarness(60);
    ({ s, page } = h);
    await page.goto(s.url + '/');
    await h.signInAsAdmin();
  }, 300_000);
  afterAll(async () => { await h?.close(); });
  beforeEach((ctx) => { h.resetFor(ctx); });

  it('creates and edits an offer and the guardrails with the server\'s errors at the field; an analyst only reads', async () => {
    await h.idle(); // the overview's reads finish before the step navigates away
    await page.getByRole('link', { name: 'Offers & guardrails', exact: true }).click();
    await page.getByTestId('offers').locator('tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'New offer' }).click();
    const form = page.getByRole('form', { name: 'New offer' });
    await form.locator('input[name=id]').fill('spring20');
    await form.locator('input[name=name]').fill('Spring 20% off');
    await form.locator('input[name=value]').fill('150');
    h.expectErrors(/\/v1\/offers\/spring20$/);
    await form.getByRole('button', { name: 'Create offer' }).click();
    const valueError = form.locator('.field-error[data-field=value]');
    await valueError.waitFor();
    expect(await valueError.textContent()).toContain('at most 100');
    await h.shot('offer-invalid');
    await form.locator('input[name=value]').fill('20');
    await form.locator('input[name=dailyBudget]').fill('250');
    await form.getByRole('button', { name: 'Create offer' }).click();
    await page.getByText('Offer spring20 saved.').waitFor();
    expect((await s.api('GET', '/v1/offers?limit=500')).body.items.find((o: { id: string }) => o.id === 'spring20')).toMatchObject({ kind: 'percent_off', value: 20, dailyBudget: 250 });
    await page.getByRole('button', { name: 'Edit spring20' }).click();
    const edit = page.getByRole('form', { name: 'Edit offer spring20' });
    await edit.locator('input[name=name]').fill('Spring 15% off');
    await edit.locator('input[name=value]').fill('15');
    await edit.getByRole('button', { name: 'Save offer' }).click();
    await page.getByText('Offer spring20 saved.').waitFor();
    await page.getByTestId('offers').getByText('Spring 15% off').waitFor();
    expect((await s.api('GET', '/v1/offers?limit=500')).body.items.find((o: { id: string }) => o.id === 'spring20')).toMatchObject({ name: 'Spring 15% off', value: 15 });

    await page.getByRole('button', { name: 'Edit guardrails' }).click();
    const g = page.getByRole('form', { name: 'Edit guardrails' });
    await g.locator('input[name=minGapMinutes]').fill('soon');
    h.expectErrors(/\/v1\/guardrails$/);
    await g.getByRole('button', { name: 'Save guardrails' }).click();
    await g.locator('.field-error[data-field=minGapMinutes]').waitFor();
    expect(await g.locator('.field-error[data-field=minGapMinutes]').textContent()).toContain('whole number');
    await g.locator('input[name=minGapMinutes]').fill('45');
    await g.getByLabel('Cap 1 max').fill('3');
    await g.getByRole('button', { name: 'Save guardrails' }).click();
    await page.getByText('Guardrails saved.').waitFor();
    const saved = (await s.api('GET', '/v1/guardrails')).body;
    expect(saved.minGapMinutes).toBe(45);
    expect(saved.caps[0].max).toBe(3);
    await h.shot('offers');

    // An analyst reads offers and guardrails but is offered no edit.
    expect((await s.api('POST', '/v1/users', { email: 'ana@example.com', name: 'Ana Analyst', role: 'analyst', password: 'correct horse battery' })).status).toBe(201);
    await h.idle();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill('ana@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('me').getByText('Ana Analyst').waitFor();
    await page.getByRole('link', { name: 'Offers & guardrails', exact: true }).click();
    await page.getByTestId('read-only').waitFor();
    await page.getByTestId('guardrails').waitFor();
    expect(await page.getByRole('button', { name: 'New offer' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    await h.idle();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Admin key' }).fill(TEST_KEYS.adminKey);
    await page.getByRole('button', { name: 'Sign in with the admin key' }).click();
    await page.getByTestId('me').waitFor();
    await h.idle(); // the overview's reads finish before the next step navigates away
    h.clean();
  });
});
