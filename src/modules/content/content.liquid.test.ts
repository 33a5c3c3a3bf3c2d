import { describe, expect, it } from 'vitest';
import { createEngines, renderField } from './content.liquid.ts';
import type { QaReason } from './content.types.ts';

const env = { locale: 'en-US', currency: 'USD', timezone: 'UTC', now: '2026-06-10T15:00:00.000Z' };

describe('renderField memo', () => {
  it('renders each scope by its own values, hit or miss', () => {
    const { text } = createEngines();
    const src = 'Hi {{ profile.first_name | default: "there" }} from {{ store.name }}';
    const r: QaReason[] = [];
    for (let i = 0; i < 300; i++) {
      const name = i % 3 === 0 ? 'Ann' : i % 3 === 1 ? 'Bo' : null;
      expect(renderField(text, src, { ...env, profile: { first_name: name }, store: { name: `S${i % 2}` } }, 'f', r)).toBe(`Hi ${name ?? 'there'} from S${i % 2}`);
    }
    // A value nested deep in a root changes the output too (the whole root is the key).
    expect(renderField(text, '{{ items[1].name }}', { ...env, items: [{ name: 'a' }, { name: 'b' }] }, 'f', r)).toBe('b');
    expect(renderField(text, '{{ items[1].name }}', { ...env, items: [{ name: 'a' }, { name: 'c' }] }, 'f', r)).toBe('c');
    expect(renderField(text, '{{ items.size }}', { ...env, items: [1, 2, 3] }, 'f', r)).toBe('3');
    expect(renderField(text, '{{ items.size }}', { ...env, items: [1] }, 'f', r)).toBe('1');
    expect(r).toEqual([]);
  });

  it('keys on what filters read from the root scope: locale, currency, time zone, now', () => {
    const { text } = createEngines();
    const r: QaReason[] = [];
    expect(renderField(text, '{{ 5 | money }}', env, 'f', r)).toBe('$5.00');
    expect(renderField(text, '{{ 5 | money }}', { ...env, currency: 'EUR', locale: 'de-DE' }, 'f', r)).toBe('5,00\u00a0€');
    expect(renderField(text, '{{ "now" | date: "long" }}', env, 'f', r)).toBe('June 10, 2026');
    expect(renderField(text, '{{ "now" | date: "long" }}', { ...env, now: '2026-06-11T15:00:00.000Z' }, 'f', r)).toBe('June 11, 2026');
    expect(renderField(text, '{{ "now" | date: "long" }}', { ...env, now: '2026-06-11T23:30:00.000Z', timezone: 'Asia/Tokyo' }, 'f', r)).toBe('June 12, 2026');
  });

  it('never serves a render for a scope that fails: a missing or undefined variable is still reported', () => {
    const { text } = createEngines();
    const r: QaReason[] = [];
    expect(renderField(text, '{{ offer.code }}', { ...env, offer: { code: null } }, 'f', r)).toBe('');
    expect(r).toEqual([]);
    expect(renderField(text, '{{ offer.code }}', { ...env }, 'f', r)).toBe('');
    expect(renderField(text, '{{ offer.code }}', { ...env, offer: undefined }, 'f', r)).toBe('');
    expect(r.map((x) => x.rule)).toEqual(['missing_variable', 'missing_variable']);
  });

  it('reports a source that does not parse as a QA reason, never throws', () => {
    const { text } = createEngines();
    const r: QaReason[] = [];
    expect(renderField(text, 'Hi {% if profile %}', env, 'subject', r)).toBe('');
    expect(renderField(text, 'Hi {% if profile %}', env, 'subject', r)).toBe('');
    expect(r.map((x) => [x.field, x.rule])).toEqual([['subject', 'liquid_error'], ['subject', 'liquid_error']]);
  });

  it('keeps rendering a source whose inputs never repeat', () => {
    const { html } = createEngines();
    const r: QaReason[] = [];
    for (let i = 0; i < 500; i++) expect(renderField(html, '<a href="{{ unsubscribe_url }}">x</a>', { ...env, unsubscribe_url: `https://s.example/u?t=${i}&x=1` }, 'f', r)).toBe(`<a href="https://s.example/u?t=${i}&amp;x=1">x</a>`);
  });
});

describe('partials', () => {
  it('read no files: include and render of a path in the working directory are QA errors, not its contents', () => {
    const { text, html } = createEngines();
    const r: QaReason[] = [];
    expect(renderField(text, '{% include "package.json" %}', env, 'text', r)).toBe('');
    expect(renderField(html, '{% render "package.json" %}', env, 'html', r)).toBe('');
    expect(r.map((x) => [x.field, x.rule])).toEqual([['text', 'liquid_error'], ['html', 'liquid_error']]);
  });
});

describe('per-recipient links', () => {
  it('are put in each message as the engine would print them, also when the rest comes from the memo', () => {
    const { text, html } = createEngines();
    const r: QaReason[] = [];
    const src = '<p>{{ store.name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{- unsubscribe_url -}}';
    for (let i = 0; i < 300; i++) {
      const url = `https://s.example/u?t=${i}&p="x"<'y'>`;
      expect(renderField(html, src, { ...env, store: { name: 'A&B' }, unsubscribe_url: url }, 'html', r))
        .toBe(`<p>A&amp;B</p><a href="https://s.example/u?t=${i}&amp;p=&#34;x&#34;&lt;&#39;y&#39;&gt;">Unsubscribe</a>https://s.example/u?t=${i}&amp;p=&#34;x&#34;&lt;&#39;y&#39;&gt;`);
      expect(renderField(text, 'Unsubscribe: {{ unsubscribe_url }}', { ...env, unsubscribe_url: url }, 'text', r)).toBe(`Unsubscribe: ${url}`);
    }
    expect(r).toEqual([]);
  });
  it('render as they are when a filter, tag or capture uses them, or they are not text', () => {
    const { text } = createEngines();
    const r: QaReason[] = [];
    for (let i = 0; i < 3; i++) {
      const url = `https://s.example/u?t=${i}`;
      expect(renderField(text, '{{ unsubscribe_url | upcase }}', { ...env, unsubscribe_url: url }, 'f', r)).toBe(url.toUpperCase());
      expect(renderField(text, '{% capture u %}{{ unsubscribe_url }}{% endcapture %}{{ u | upcase }}', { ...env, unsubscribe_url: url }, 'f', r)).toBe(url.toUpperCase());
      expect(renderField(text, '{% if unsubscribe_url contains "t=1" %}one{% endif %}{{ unsubscribe_url }}', { ...env, unsubscribe_url: url }, 'f', r)).toBe((i === 1 ? 'one' : '') + url);
      expect(renderField(text, '[{{ unsubscribe_url }}]', { ...env, unsubscribe_url: null }, 'f', r)).toBe('[]');
    }
    expect(r).toEqual([]);
  });
});
