/**
 * QA verdicts remembered by what was checked. A worker renders one template for thousands of
 * shoppers, and most of those messages are the same text but for the shopper's own unsubscribe
 * link (a signed token, different in every message): QA ran every rule over every one of them
 * (a third of the main thread's time per send, bench:workers). `checkContentMemo` answers
 * exactly what `checkContent` would for a message whose content, context and rules were checked
 * before, and checks (then remembers) anything else.
 *
 * The unsubscribe link: in an email's html and text parts (not the subject, whose length QA
 * counts) every occurrence of the message's own unsubscribe URL is checked as one fixed link of
 * the same origin and path, `…?t=0`. The token is random bytes, not copy: a rule that read it could
 * only fail a message at random (a forbidden word spelt out by a signature), and the link rules
 * (the unsubscribe link is there; its host is allowed) see the same origin either way. Reasons that
 * quote the fixed link quote the message's own again.
 */
import { checkContent, type QaContext } from './content.qa.ts';
import type { ContentRules, QaResult, RenderedContent } from './content.types.ts';

/** Verdicts kept per rules object (a rules change starts afresh); bounded, cleared when full. */
const MEMO_MAX = 500;
const memo = new WeakMap<ContentRules, Map<string, QaResult>>();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The fixed link the unsubscribe URL is checked as: same origin and path, a constant query. */
export function canonicalUnsubscribeUrl(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : `${url.slice(0, q)}?t=0`;
}

function replaceAll(text: string | undefined, from: string, to: string): string | undefined {
  return text === undefined || from === to || !text.includes(from) ? text : text.split(from).join(to);
}

/** `checkContent(c, ctx)`, remembered. Never returns a shared object the caller could change. */
export function checkContentMemo(c: RenderedContent, ctx: QaContext): QaResult {
  const url = ctx.unsubscribeUrl;
  const fixed = url === undefined ? undefined : canonicalUnsubscribeUrl(url);
  let content = c;
  let qaCtx = ctx;
  if (url !== undefined && fixed !== undefined && fixed !== url && ctx.channel === 'email') {
    const htmlFrom = escapeHtml(url), htmlTo = escapeHtml(fixed);
    content = { ...c, html: replaceAll(replaceAll(c.html, url, fixed), htmlFrom, htmlTo), text: replaceAll(c.text, url, fixed) };
    qaCtx = { ...ctx, unsubscribeUrl: fixed };
  }
  const key = JSON.stringify([
    qaCtx.channel, qaCtx.purpose, qaCtx.currency, qaCtx.postalAddress, qaCtx.channel === 'email' ? qaCtx.unsubscribeUrl ?? null : null, qaCtx.allowedHosts, qaCtx.products, qaCtx.offers, content,
  ]);
  let byRules = memo.get(ctx.rules);
  if (!byRules) memo.set(ctx.rules, byRules = new Map());
  let result = byRules.get(key);
  if (!result) {
    result = checkContent(content, qaCtx);
    if (byRules.size >= MEMO_MAX) byRules.clear();
    byRules.set(key, result);
  }
  const back = (m: string) => (url !== undefined && fixed !== undefined && fixed !== url ? replaceAll(m, fixed, url)! : m);
  return { ...result, reasons: result.reasons.map((r) => ({ ...r, message: back(r.message) })), ...(result.sms ? { sms: { ...result.sms } } : {}) };
}
