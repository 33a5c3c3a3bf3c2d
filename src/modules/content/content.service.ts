/**
 * The content service: blocks, templates and QA rules held in memory (the database is the
 * truth, written through), rendering for workers (synchronous: everything it reads is in
 * memory), QA, LLM drafting, and the variant bandit's outcome counts.
 *
 * Several processes: each reads the tables on start and on `reload()`; outcome counts are added
 * in the database, so no process overwrites another's.
 */
import { BraidError, invalid, isoNow, newId, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import type { ApprovalsService, Submission } from '../approvals/index.ts';
import type { CachedProduct, CatalogCache } from '../catalog/index.ts';
import type { Offer, OfferService } from '../offers/index.ts';
import { parseArm, type VariantStats } from './content.assemble.ts';
import { DEFAULT_SAMPLES, qaBlock, qaTemplate, sampleOffer, sampleProducts, type QaReport, type QaRuntime } from './content.check.ts';
import type { OfferFact } from './content.qa.ts';
import { DEFAULT_BLOCKS } from './content.default-blocks.ts';
import { DEFAULT_TEMPLATES } from './content.default-templates.ts';
import { createEngines } from './content.liquid.ts';
import { draftVariants } from './content.llm.ts';
import { approvalRef, blockTexts, contentFacts, previewOf, qaSummary, templateTexts, type ApprovalRef } from './content.governance.ts';
import { offerFact, renderMessage, type MessageInput, type ProductFacts } from './content.render.ts';
import {
  allowedHosts, defaultRules, parseBlock, parseBlockPatch, parseQaRequest, parseRules, parseTemplate, validateRenderInput,
} from './content.validate.ts';
import * as store from './content.store.ts';
import type { Block, ContentRules, DraftRequest, RenderInput, RenderResult, SampleProfile, Template } from './content.types.ts';

export interface ContentService {
  /** Loads the tables into memory and seeds the default library and templates into empty tables. */
  start(): Promise<void>;
  reload(): Promise<void>;
  stop(): Promise<void>;
  listBlocks(filter?: { kind?: string | undefined; status?: string | undefined; channel?: string | undefined }): Block[];
  getBlock(id: string): Block | undefined;
  /**
   * Block writes: becoming or staying active requires passing QA, and (with approvals) an active
   * version is submitted for its risk tier: medium and high are held, not saved, until accepted
   * (`approval.held`). `by` is who asks; undefined = Braid itself (not queued).
   */
  createBlock(input: unknown, by?: Principal): Promise<Governed<Block>>;
  /** Replaces a block (PUT). */
  putBlock(id: string, input: unknown, by?: Principal): Promise<Governed<Block>>;
  /** Partial update (PATCH); `{status: "active"}` is activation, refused with the QA reasons. */
  patchBlock(id: string, patch: unknown, by?: Principal): Promise<Governed<Block>>;
  /** Deletes a block; its recorded versions are retired (never restored). */
  deleteBlock(id: string, by?: Principal): Promise<void>;
  listTemplates(): Template[];
  getTemplate(id: string): Template | undefined;
  /** Creates or replaces a template; with approvals, a medium or high version is held until accepted (the previous one stays live). */
  putTemplate(id: string, input: unknown, by?: Principal): Promise<Governed<Template>>;
  deleteTemplate(id: string, by?: Principal): Promise<void>;
  rules(): ContentRules;
  setRules(input: unknown): Promise<ContentRules>;
  /** Assembles, renders and checks one message for a worker. Throws a 400 for bad input only. */
  render(input: RenderInput): RenderResult;
  /** POST /v1/content/qa: a template or block against sample profiles. */
  qa(request: unknown): QaReport;
  /** Drafts block copy with the configured LLM, stored as a draft block, with its QA. */
  draft(request: DraftRequest): Promise<{ block: Block; qa: QaReport }>;
  /** One message's outcome: every block variant in `arm` (limited to `blockIds` when given) gains a trial and `reward` (0..1). */
  recordOutcome(arm: string, blockIds: readonly string[], reward: number): Promise<void>;
  variantStats(blockId: string): Record<string, VariantStats>;
}

/** A saved (or, when `approval.held`, submitted but not live) version with where it stands. */
export type Governed<T> = T & { approval?: ApprovalRef | undefined };

/** A stored block or template as it was written (what the approval queue keeps as a document). */
function withoutTimes<T extends { createdAt: string; updatedAt: string }>(x: T): Omit<T, 'createdAt' | 'updatedAt'> {
  const { createdAt: _c, updatedAt: _u, ...rest } = x;
  return rest;
}

const displayName = (from: string) => /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1]?.trim();

export function createContent(deps: CoreDeps, c: { catalog: CatalogCache; offers?: OfferService | undefined; approvals?: ApprovalsService | undefined }): ContentService {
  const engines = createEngines();
  const ch = deps.config.muscle.channels;
  const blocks = new Map<string, Block>();
  const templates = new Map<string, Template>();
  const stats = new Map<string, VariantStats>();
  let library: Block[] | undefined;
  let rules: ContentRules = defaultRules(displayName(ch.smtpFrom) ?? 'Our store', ch.publicUrl);
  let hosts = allowedHosts(rules, ch.publicUrl, ch.smtpFrom);
  const setRulesLocal = (r: ContentRules) => { rules = r; hosts = allowedHosts(r, ch.publicUrl, ch.smtpFrom); };
  const lib = () => (library ??= [...blocks.values()]);
  const statsOf = (blockId: string, variant: string) => stats.get(`${blockId}@${variant}`);

  const facts = (cp: CachedProduct | undefined): ProductFacts | undefined => {
    const v = cp?.lead;
    if (!cp || !v) return undefined;
    return {
      id: cp.product.id, name: cp.product.title, url: v.link ?? cp.product.link, image: v.imageLink ?? cp.product.imageLink,
      price: v.price, salePrice: v.salePrice !== null && v.salePrice < v.price ? v.salePrice : null, currency: v.currency,
      category: cp.product.productType ?? cp.product.category, brand: cp.product.brand, inStock: c.catalog.inStock(cp.product.id),
    };
  };
  const resolve = (ids: readonly string[]) => ids.map((id) => facts(c.catalog.get(id))).filter((p): p is ProductFacts => !!p);
  /** Offers every shopper may get (active, open to any tier): a stated discount may name one of them. */
  // The offers service hands back the same array until an offer changes: filter it once per change, not per message.
  let menu: { from: readonly Offer[]; facts: OfferFact[] } | undefined;
  const menuOffers = () => {
    const all = c.offers?.list() ?? [];
    if (menu?.from !== all) menu = { from: all, facts: all.filter((o) => o.status === 'active' && o.eligibility.customer === 'any' && o.eligibility.value === 'any').map(offerFact) };
    return menu.facts;
  };

  function message(a: Omit<MessageInput, 'library' | 'rules' | 'sensitive' | 'postalAddress' | 'defaultUnsubscribeUrl' | 'allowedHosts' | 'menuOffers' | 'stats' | 'nowMs'> & { library?: Block[] }): MessageInput {
    return {
      ...a, library: a.library ?? lib(), rules, sensitive: deps.config.brain.sensitiveTraits, postalAddress: ch.postalAddress,
      defaultUnsubscribeUrl: `${ch.publicUrl}/unsubscribe?profile=${encodeURIComponent(a.profile.id)}`, allowedHosts: hosts,
      menuOffers: menuOffers(), stats: statsOf, nowMs: deps.clock.now(),
    };
  }

  const runtime: QaRuntime = {
    renderMessage: (m) => renderMessage(engines, m),
    buildMessage: (a) => message({
      template: a.template, channel: a.channel, locale: a.sample.locale ?? 'en-US', currency: a.sample.currency ?? a.products[0]?.currency ?? 'USD',
      timezone: a.sample.timezone ?? deps.config.muscle.guardrails.defaultTimezone,
      profile: { id: a.sample.id, traits: a.sample.traits, preferences: a.sample.preferences, lifecycle: a.sample.lifecycle, funnelStage: a.sample.funnelStage },
      action: a.forcedIds ? { type: 'none', productIds: [], blockIds: a.forcedIds } : undefined,
      products: a.products, recommendations: a.recommendations, offer: a.offer, vars: {}, library: a.library,
    }),
    library: lib,
    storeUrl: () => rules.store.url,
  };

  const samplesFor = (productIds?: string[]) => (s: SampleProfile): ProductFacts[] => {
    const real = productIds ? resolve(productIds) : resolve([...c.catalog.all()].filter((p) => p.lead).slice(0, 2).map((p) => p.product.id));
    return real.length > 0 ? real : sampleProducts(s.currency ?? 'USD', rules.store.url);
  };
  const blockQa = (b: Parameters<typeof qaBlock>[1]) => qaBlock(runtime, b, { samples: DEFAULT_SAMPLES, products: samplesFor(), offer: sampleOffer() });

  async function saveBlock(input: ReturnType<typeof parseBlock>, prev: Block | undefined, by?: Principal, gate = true): Promise<Governed<Block>> {
    let submission: Submission | undefined;
    if (input.status === 'active') {
      const report = blockQa(input);
      if (!report.ok) {
        const first = report.reasons.slice(0, 3).map((r) => `${r.rule} (${r.channel}, ${r.profile}${r.variant ? `, ${r.variant}` : ''}): ${r.field} ${r.message}`).join('; ');
        throw invalid('status', `cannot be active: QA failed: ${first}`, { reasons: report.reasons });
      }
      // Only active versions are served, so only they are governed (drafts wait for activation).
      if (gate && c.approvals) {
        // What is served now (an active block) is the fallback should this version be rejected after going live.
        const baseline = prev?.status === 'active' ? withoutTimes(prev) : undefined;
        submission = await c.approvals.submit({ kind: 'block', subjectId: input.id, facts: contentFacts(blockTexts(input), rules), qa: qaSummary(report), document: input, by, baseline });
        if (!submission.live) {
          const at = submission.item.submittedAt;
          return { ...input, createdAt: prev?.createdAt ?? at, updatedAt: prev?.updatedAt ?? at, approval: approvalRef(submission) };
        }
      }
    }
    const times = await store.saveBlock(deps.db, input, isoNow(deps.clock));
    const b: Block = { ...input, createdAt: prev?.createdAt ?? times.createdAt, updatedAt: times.updatedAt };
    blocks.set(b.id, b);
    library = undefined;
    return submission ? { ...b, approval: approvalRef(submission) } : b;
  }

  async function writeTemplate(t: ReturnType<typeof parseTemplate>): Promise<Template> {
    const out: Template = { ...t, ...(await store.saveTemplate(deps.db, t, isoNow(deps.clock))) };
    templates.set(t.id, out);
    return out;
  }

  const templateQa = (t: ReturnType<typeof parseTemplate>) => qaTemplate(runtime, t, { samples: DEFAULT_SAMPLES, products: samplesFor(), offer: sampleOffer() });

  // Accepted held versions are published exactly as submitted; the detail view renders them. A
  // rejected sampled version falls back to the previous live one; with none, the template is
  // archived (sends exit as template_not_live) and the block returns to draft (not assembled).
  c.approvals?.register('template', {
    publish: async (_item, doc) => { await writeTemplate(parseTemplate(doc, engines)); },
    preview: (_item, doc) => previewOf(templateQa(parseTemplate(doc, engines))),
    unpublish: async (item, fallback) => {
      const cur = templates.get(item.subjectId);
      if (fallback) await writeTemplate(parseTemplate(fallback.document, engines));
      else if (cur) await writeTemplate(parseTemplate({ ...withoutTimes(cur), status: 'archived' }, engines));
    },
  });
  c.approvals?.register('block', {
    publish: async (_item, doc) => { const b = parseBlock(doc, engines); await saveBlock(b, blocks.get(b.id), undefined, false); },
    preview: (_item, doc) => previewOf(blockQa(parseBlock(doc, engines))),
    unpublish: async (item, fallback) => {
      const cur = blocks.get(item.subjectId);
      if (fallback) {
        try { await saveBlock(parseBlock(fallback.document, engines), cur, undefined, false); return; } catch (err) {
          // The earlier version fails today's QA (the rules changed since): better no block than the rejected one.
          if (!(err instanceof BraidError && err.code === 'invalid_request')) throw err;
          deps.log.warn({ blockId: item.subjectId, version: fallback.item.version, err: err.message }, 'content: fallback block fails QA now; returning the block to draft');
        }
      }
      if (cur) await saveBlock(parseBlock({ ...withoutTimes(cur), status: 'draft' }, engines), cur, undefined, false);
    },
  });

  async function reload(): Promise<void> {
    const [bs, ts, r, st] = await Promise.all([store.loadBlocks(deps.db), store.loadTemplates(deps.db), store.loadRules(deps.db), store.loadStats(deps.db)]);
    blocks.clear(); templates.clear(); stats.clear(); library = undefined;
    for (const b of bs) blocks.set(b.id, b);
    for (const t of ts) templates.set(t.id, t);
    for (const s of st) stats.set(`${s.blockId}@${s.variant}`, { trials: s.trials, reward: s.reward });
    if (r !== undefined) setRulesLocal(parseRules(r));
  }

  return {
    async start() {
      const now = isoNow(deps.clock);
      await store.seedIfEmpty(deps.db, 'content_blocks', DEFAULT_BLOCKS.map((b) => parseBlock(b)), now);
      await store.seedIfEmpty(deps.db, 'content_templates', DEFAULT_TEMPLATES.map((t) => parseTemplate(t, engines)), now);
      await reload();
    },
    reload,
    async stop() { /* nothing pending: every write is awaited */ },
    listBlocks(f = {}) {
      return lib().filter((b) => (!f.kind || b.kind === f.kind) && (!f.status || b.status === f.status)
        && (!f.channel || b.tags.channels.length === 0 || b.tags.channels.includes(f.channel as never))).sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    getBlock: (id) => blocks.get(id),
    async createBlock(input, by) {
      const b = parseBlock(input, engines);
      if (blocks.has(b.id)) throw new BraidError('conflict', `Block ${b.id} already exists (PUT or PATCH /v1/content/blocks/${b.id} to change it)`, { field: 'id' });
      return saveBlock(b, undefined, by);
    },
    async putBlock(id, input, by) {
      const b = parseBlock(input, engines);
      if (b.id !== id) throw invalid('id', `must equal the path id "${id}"`);
      return saveBlock(b, blocks.get(id), by);
    },
    async patchBlock(id, patch, by) {
      const prev = blocks.get(id);
      if (!prev) throw notFound(`Block ${id}`);
      const p = parseBlockPatch(patch);
      const { createdAt: _c, updatedAt: _u, ...def } = prev;
      return saveBlock(parseBlock({ ...def, ...p }, engines), prev, by);
    },
    async deleteBlock(id, by) {
      if (!blocks.has(id)) throw notFound(`Block ${id}`);
      await store.deleteRow(deps.db, 'content_blocks', id);
      blocks.delete(id);
      library = undefined;
      await c.approvals?.retire('block', id, by);
    },
    listTemplates: () => [...templates.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    getTemplate: (id) => templates.get(id),
    async putTemplate(id, input, by) {
      const t = parseTemplate(input, engines);
      if (t.id !== id) throw invalid('id', `must equal the path id "${id}"`);
      if (!c.approvals) return writeTemplate(t);
      const prev = templates.get(id);
      const s = await c.approvals.submit({
        kind: 'template', subjectId: id, facts: contentFacts(templateTexts(t), rules), qa: qaSummary(templateQa(t)), document: t, by, baseline: prev && withoutTimes(prev),
      });
      if (!s.live) {
        return { ...t, createdAt: prev?.createdAt ?? s.item.submittedAt, updatedAt: prev?.updatedAt ?? s.item.submittedAt, approval: approvalRef(s) };
      }
      return { ...(await writeTemplate(t)), approval: approvalRef(s) };
    },
    async deleteTemplate(id, by) {
      if (!templates.has(id)) throw notFound(`Template ${id}`);
      await store.deleteRow(deps.db, 'content_templates', id);
      templates.delete(id);
      await c.approvals?.retire('template', id, by);
    },
    rules: () => rules,
    async setRules(input) {
      const r = parseRules(input);
      await store.saveRules(deps.db, r, isoNow(deps.clock));
      setRulesLocal(r);
      return r;
    },
    render(input) {
      const v = validateRenderInput(input, templates, deps.config.muscle.guardrails.defaultTimezone);
      const productIds = input.products ?? input.action?.productIds ?? [];
      const recIds = input.recommendations ?? (input.products ? (input.action?.productIds ?? []).filter((id) => !productIds.includes(id)) : []);
      const products = resolve(productIds), recommendations = resolve(recIds);
      const out = renderMessage(engines, message({
        template: v.template, channel: input.channel, locale: v.locale, currency: input.currency ?? products[0]?.currency ?? recommendations[0]?.currency ?? 'USD',
        timezone: v.timezone, profile: input.profile, action: input.action, products, recommendations, offer: input.offer, vars: input.vars ?? {},
      }));
      // Which version of the template this is and who approved it, for the send's audit entry.
      const lv = c.approvals?.live('template', input.templateId);
      const lo = input.offer ? c.approvals?.live('offer', input.offer.id) : undefined;
      const offer = input.offer && { offerId: input.offer.id, version: lo?.version ?? null, tier: lo?.tier ?? null, approvalId: lo?.approvalId ?? null, approvedBy: lo?.approvedBy ?? null };
      return { ...out, provenance: { templateId: input.templateId, templateVersion: lv?.version ?? null, tier: lv?.tier ?? null, approvalId: lv?.approvalId ?? null, approvedBy: lv?.approvedBy ?? null, offer } };
    },
    qa(request) {
      const q = parseQaRequest(request, engines);
      let offer: Offer = sampleOffer();
      if (q.offerId) {
        const o = c.offers?.get(q.offerId);
        if (!o) throw invalid('offerId', `no offer "${q.offerId}" on the menu`);
        offer = o;
      }
      const opts = { samples: q.profiles ?? DEFAULT_SAMPLES, products: samplesFor(q.productIds), offer };
      if (q.template || q.templateId) {
        const t = q.template ?? templates.get(q.templateId!);
        if (!t) throw invalid('templateId', `no template "${q.templateId}"`);
        if (q.channels && !q.channels.some((ch2) => t[ch2])) throw invalid('channels', `template ${t.id} has none of these channels`);
        return qaTemplate(runtime, t, { ...opts, channels: q.channels });
      }
      const b = q.block ?? blocks.get(q.blockId!);
      if (!b) throw invalid('blockId', `no block "${q.blockId}"`);
      return qaBlock(runtime, b, opts);
    },
    async draft(req) {
      const { model, variants } = await draftVariants(deps.config.muscle.llm, req, rules);
      const id = req.id ?? newId('blk', deps.clock);
      if (blocks.has(id)) throw new BraidError('conflict', `Block ${id} already exists`, { field: 'id' });
      const input = parseBlock({
        id, kind: req.kind, text: variants[0], tags: req.tags, status: 'draft', note: `LLM draft (${model}): ${req.brief}`.slice(0, 1000),
        variants: variants.slice(1).map((text, i) => ({ id: `v${i + 2}`, text })),
      }, engines);
      const block = await saveBlock(input, undefined);
      return { block, qa: blockQa(input) };
    },
    async recordOutcome(arm, blockIds, reward) {
      if (typeof reward !== 'number' || !Number.isFinite(reward) || reward < 0 || reward > 1) throw invalid('reward', 'must be a number from 0 to 1');
      const rows = parseArm(arm).filter((p) => blockIds.length === 0 || blockIds.includes(p.blockId)).map((p) => ({ ...p, trials: 1, reward }));
      for (const r of rows) {
        const k = `${r.blockId}@${r.variant}`;
        const s = stats.get(k) ?? { trials: 0, reward: 0 };
        stats.set(k, { trials: s.trials + 1, reward: s.reward + reward });
      }
      await store.addStats(deps.db, rows, isoNow(deps.clock));
    },
    variantStats(blockId) {
      const out: Record<string, VariantStats> = {};
      for (const [k, v] of stats) { const i = k.lastIndexOf('@'); if (k.slice(0, i) === blockId) out[k.slice(i + 1)] = v; }
      return out;
    },
  };
}
