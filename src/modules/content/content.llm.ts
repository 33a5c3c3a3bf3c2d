/**
 * Optional LLM drafting of block copy through any OpenAI-compatible server:
 * `POST {BRAID_LLM_URL}/chat/completions` with `{ model, messages }` and a Bearer key when one
 * is configured. The model is asked for JSON `{"variants": ["...", ...]}`; a fenced or plain
 * list answer is accepted too. Drafts are stored as draft blocks and never go live without QA.
 */
import { BraidError, type LlmConfig } from '../../core/index.ts';
import type { ContentRules, DraftRequest } from './content.types.ts';

const TIMEOUT_MS = 30_000;

const KIND_GUIDE: Record<string, string> = {
  hook: 'an opening line that earns attention (under 70 characters)',
  proof_point: 'one sentence of evidence: reviews, materials, expertise',
  objection_handler: 'one sentence answering a doubt (fit, quality, price)',
  reassurance: 'one sentence reducing risk (returns, delivery, support)',
  cta: 'a call to action of 2 to 5 words',
  disclosure: 'a plain legal disclosure sentence',
};

export function buildMessages(req: DraftRequest, rules: ContentRules): Array<{ role: 'system' | 'user'; content: string }> {
  const channels = req.tags.channels.length > 0 ? req.tags.channels.join(', ') : 'email, SMS and push';
  return [
    {
      role: 'system',
      content: `You write retail marketing copy blocks for ${rules.store.name}. Write ${KIND_GUIDE[req.kind] ?? req.kind}. `
        + `Copy appears in ${channels}; keep SMS-safe characters (no emoji, straight quotes). Locale: ${req.tags.locale}. `
        + `Never use these words: ${rules.forbidden.join(', ')}. Never state prices or discounts as numbers; `
        + 'you may use Liquid variables {{ profile.first_name | default: "there" }} and {{ store.name }}. '
        + `Answer with JSON only: {"variants": [${req.count} distinct strings]}.`,
    },
    { role: 'user', content: `Brief: ${req.brief}\nTheir audience cares about: ${req.tags.speaksTo.join(', ') || 'anything'}. Themes: ${req.tags.themes.join(', ') || 'none'}.` },
  ];
}

/** The variant texts in a chat answer: JSON {"variants": [...]}, a JSON array, or one per line. */
export function parseVariants(content: string, count: number): string[] {
  const unfenced = content.replace(/^\s*```[a-z]*\s*/i, '').replace(/\s*```\s*$/, '').trim();
  let list: unknown;
  try {
    const j = JSON.parse(unfenced) as unknown;
    list = Array.isArray(j) ? j : (j as { variants?: unknown }).variants;
  } catch {
    list = unfenced.split('\n').map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').replace(/^"(.*)"$/, '$1').trim());
  }
  if (!Array.isArray(list)) return [];
  return [...new Set(list.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 2000))].slice(0, count);
}

export async function draftVariants(llm: LlmConfig, req: DraftRequest, rules: ContentRules): Promise<{ model: string; variants: string[] }> {
  if (!llm.url) throw new BraidError('unavailable', 'LLM drafting is not configured: set BRAID_LLM_URL (an OpenAI-compatible server), BRAID_LLM_MODEL and BRAID_LLM_API_KEY');
  const url = `${llm.url.replace(/\/+$/, '')}/chat/completions`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
      body: JSON.stringify({ model: llm.model, messages: buildMessages(req, rules), temperature: 0.8 }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new BraidError('unavailable', `LLM server at ${url} did not answer: ${(e as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) throw new BraidError('unavailable', `LLM server at ${url} answered ${res.status}: ${body.slice(0, 300)}`);
  let content: unknown;
  try { content = (JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content; } catch { content = undefined; }
  if (typeof content !== 'string') throw new BraidError('unavailable', `LLM server at ${url} did not answer in the chat-completions format (choices[0].message.content)`);
  const variants = parseVariants(content, req.count);
  if (variants.length === 0) throw new BraidError('unavailable', `LLM server at ${url} returned no usable variants`);
  return { model: llm.model, variants };
}
