/** Public shapes of the content module. Wire schemas are in content.schemas.ts. */
import type { Static } from 'typebox';
import type { MessageContent } from '../../core/index.ts';
import type { Offer } from '../offers/index.ts';
import type {
  BLOCK_KINDS, BlockInputSchema, BlockPatchSchema, CONTENT_CHANNELS, ContentRulesSchema, DraftRequestSchema, FUNNEL_STAGES,
  QaRequestSchema, SampleProfileSchema, TemplateInputSchema,
} from './content.schemas.ts';

export type BlockKind = (typeof BLOCK_KINDS)[number];
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export type ContentChannel = (typeof CONTENT_CHANNELS)[number];
export type BlockInput = Static<typeof BlockInputSchema>;
export type BlockPatch = Static<typeof BlockPatchSchema>;
export type TemplateInput = Static<typeof TemplateInputSchema>;
export type ContentRules = Static<typeof ContentRulesSchema>;
export type SampleProfile = Static<typeof SampleProfileSchema>;
export type QaRequest = Static<typeof QaRequestSchema>;
export type DraftRequest = Static<typeof DraftRequestSchema>;

export interface Block extends BlockInput { createdAt: string; updatedAt: string }
export interface Template extends TemplateInput { createdAt: string; updatedAt: string }

/** One failed QA check: which rule, which rendered field, and what to fix. */
export interface QaReason { rule: string; field: string; message: string }

export interface SmsInfo { encoding: 'GSM-7' | 'UCS-2'; units: number; segments: number; characters: number }

export interface QaResult { ok: boolean; reasons: QaReason[]; sms?: SmsInfo | undefined }

/** Rendered content: the kernel's MessageContent, which channels deliver. */
export type RenderedContent = MessageContent;

/** What the decision chose (structurally decisioning's ChosenAction; only these fields are read). */
export interface RenderAction {
  type: string;
  theme?: string | undefined;
  productIds: string[];
  offerId?: string | undefined;
  blockIds: string[];
}

export type PreferenceStrengths = Record<string, number | string | boolean>;

export interface RenderInput {
  templateId: string;
  channel: ContentChannel;
  /** BCP 47, e.g. en-US; default en-US. Drives block choice and `money`/`date`. */
  locale?: string | undefined;
  /** ISO 4217; default the first product's currency, else USD. */
  currency?: string | undefined;
  /** IANA zone for `date`; default the configured default time zone. */
  timezone?: string | undefined;
  profile: {
    id: string;
    /** Already filtered of sensitive traits by the caller; render exposes only an allow-list of it. */
    traits: Record<string, unknown>;
    /** Preference strengths (scale 0..1, booleans, choice values). */
    preferences: PreferenceStrengths;
    lifecycle?: string | undefined;
    funnelStage?: FunnelStage | undefined;
  };
  action?: RenderAction | undefined;
  /** Products the message is about (cart lines, the viewed item); default action.productIds. */
  products?: string[] | undefined;
  /** Recommended products; default action.productIds not already in `products`. */
  recommendations?: string[] | undefined;
  offer?: Offer | undefined;
  /** Extra variables: unsubscribe_url, store, offer_code, anything the template names. */
  vars?: Record<string, unknown> | undefined;
}

export interface RenderResult {
  content: RenderedContent;
  blockIds: string[];
  /** Stable key of the chosen blocks and variants ("blk_a@base+blk_b@v2"), for recordOutcome. */
  arm: string;
  qa: QaResult;
  /** The template version rendered and who approved it (null version: a seeded default or governance off). */
  provenance?: RenderProvenance | undefined;
}

export interface RenderProvenance {
  templateId: string;
  templateVersion: number | null;
  tier: string | null;
  approvalId: string | null;
  approvedBy: { id: string; name: string } | null;
  /** The offer the message carries, its live version and who approved it (absent: no offer). */
  offer?: { offerId: string; version: number | null; tier: string | null; approvalId: string | null; approvedBy: { id: string; name: string } | null } | undefined;
}
