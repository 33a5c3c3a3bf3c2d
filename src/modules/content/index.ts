/**
 * Content: creative blocks, Liquid templates per channel, assembly (block choice by preference,
 * stage, channel and locale; variant choice by a bandit) and automatic QA (claims, brand rules,
 * prices, discounts, lengths, links). Workers call `render` for every message; see docs/content.md.
 */
export { createContent, type ContentService } from './content.service.ts';
export { registerContentRoutes } from './content.routes.ts';
export {
  checkContent, checkClaims, checkForbiddenWords, checkLinkDomains, checkPushLengths, checkRequiredFields, checkSmsLength, checkSmsOptOut,
  checkStatedDiscounts, checkStatedPrices, checkSubjectLength, checkUnsubscribeAndAddress, fieldTexts,
  type FieldText, type OfferFact, type PriceFact, type QaContext,
} from './content.qa.ts';
export { countSmsSegments, isGsm7 } from './content.sms.ts';
export { formatMoney, formatDate } from './content.liquid.ts';
export { DEFAULT_BLOCKS, DEFAULT_ACTION_BLOCKS } from './content.default-blocks.ts';
export { DEFAULT_TEMPLATES } from './content.default-templates.ts';
export { DEFAULT_SAMPLES, type QaReport, type QaRun } from './content.check.ts';
export { DEFAULT_CLAIMS, DEFAULT_FORBIDDEN } from './content.validate.ts';
export { BLOCK_KINDS, CONTENT_CHANNELS, FUNNEL_STAGES } from './content.schemas.ts';
export type {
  Block, BlockInput, BlockKind, ContentChannel, ContentRules, FunnelStage, QaReason, QaResult, RenderAction, RenderInput, RenderResult,
  RenderedContent, SmsInfo, Template, TemplateInput,
} from './content.types.ts';
