/**
 * What content tells the approval queue about a template or block version: the copy to scan for
 * price, discount and regulated claims, the disclosure-library claims it makes, and its QA
 * verdict. The tier itself is computed by the approvals module (pure, configurable thresholds).
 */
import type { ApprovalItem, RiskFacts, Submission } from '../approvals/index.ts';
import type { QaReport } from './content.check.ts';
import { phraseRegex } from './content.text.ts';
import { CONTENT_CHANNELS } from './content.schemas.ts';
import type { BlockInput, ContentRules, TemplateInput } from './content.types.ts';

/** Where a submitted version stands, returned with the saved (or held) template or block. */
export interface ApprovalRef {
  id: string;
  version: number;
  tier: string;
  status: string;
  queue: string | null;
  /** True: not live until an approver accepts it (the previous version, if any, stays live). */
  held: boolean;
  reasons: Array<{ code: string; tier: string; message: string }>;
}

export function templateTexts(t: TemplateInput): string[] {
  const out: string[] = [];
  for (const ch of CONTENT_CHANNELS) {
    const part = t[ch] as Record<string, string> | undefined;
    if (part) for (const v of Object.values(part)) if (typeof v === 'string') out.push(v);
  }
  return out;
}

export const blockTexts = (b: BlockInput): string[] => [b.text, ...b.variants.map((v) => v.text)];

export function contentFacts(texts: string[], rules: ContentRules, declared?: RiskFacts['declared']): Omit<RiskFacts, 'kind'> {
  const claims = rules.claims.filter((c) => texts.some((t) => phraseRegex(c.match).test(t))).map((c) => c.id);
  return { declared, texts, claims };
}

export const qaSummary = (r: QaReport): ApprovalItem['qa'] => ({
  ok: r.ok, reasons: r.reasons.slice(0, 50).map((x) => ({ rule: x.rule, field: x.field, message: `${x.message} (${x.channel}, ${x.profile}${x.variant ? `, ${x.variant}` : ''})` })),
});

export const approvalRef = (s: Submission): ApprovalRef => ({
  id: s.item.id, version: s.item.version, tier: s.item.tier, status: s.item.status, queue: s.item.queue, held: !s.live, reasons: s.item.reasons,
});

/** The detail view's preview: every sample profile's render per channel, with its QA. */
export const previewOf = (r: QaReport) => ({
  qa: { ok: r.ok, reasons: r.reasons },
  renders: r.runs.map((x) => ({ channel: x.channel, profile: x.profile, variant: x.variant, ok: x.ok, content: x.content, reasons: x.reasons })),
});
