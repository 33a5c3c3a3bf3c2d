/**
 * The contract between the channels module (adapters, delivery log, retries, dead letters) and
 * its callers (workers, audiences, the console). Workers decide whether and when a message may go
 * (caps, quiet hours, gaps); channels make sure it goes at most once, to the right address, only
 * while consent still holds at the moment of delivery, and record what happened.
 */
export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** The consent purpose each owned channel relies on when a send names none. */
export const CHANNEL_PURPOSE: Record<ChannelName, string> = {
  email: 'email_marketing', sms: 'sms_marketing', push: 'push_marketing', webhook: 'personalization', in_app: 'personalization',
};

/** Rendered content; which fields matter depends on the channel. */
export interface OutboundContent {
  /** email */
  subject?: string | undefined;
  html?: string | undefined;
  text?: string | undefined;
  /** sms and push body */
  body?: string | undefined;
  /** push title */
  title?: string | undefined;
  /** deep link (push, in_app) */
  url?: string | undefined;
  /** webhook / in_app structured payload */
  data?: Record<string, unknown> | undefined;
}

export interface SendRequest {
  /** At most one message per key, ever (workers use `${workerId}:${instanceId}:${stepId}`). */
  idempotencyKey: string;
  profileId: string;
  channel: ChannelName;
  /** Consent purpose the send relies on; default CHANNEL_PURPOSE[channel]. */
  purpose?: string | undefined;
  content: OutboundContent;
  workerId?: string | undefined;
  workerVersion?: number | undefined;
  instanceId?: string | undefined;
  stepId?: string | undefined;
  decisionId?: string | undefined;
  /** Transactional messages skip marketing consent (still honour suppression lists). */
  transactional?: boolean | undefined;
}

export type DeliveryStatus =
  | 'queued' | 'sending' | 'sent' | 'delivered' | 'opened' | 'clicked'
  | 'retrying' | 'failed' | 'bounced' | 'complained' | 'dead' | 'suppressed' | 'unknown';

export interface SendOutcome {
  messageId: string;
  /** queued: accepted for delivery; duplicate: the key was used before (messageId is the first's); suppressed: not sent. */
  outcome: 'queued' | 'duplicate' | 'suppressed';
  reason?: string | undefined;
}

export interface DeliveryRecord {
  id: string;
  idempotencyKey: string;
  profileId: string;
  channel: ChannelName;
  purpose: string;
  status: DeliveryStatus;
  /** Why it was suppressed, failed or dead-lettered. */
  reason: string | null;
  address: string | null;
  attempts: number;
  providerId: string | null;
  /** The consent ledger record the send relied on (null for transactional or no record: policy default). */
  consentRecordId: string | null;
  consentBasis: string | null;
  workerId: string | null;
  workerVersion: number | null;
  instanceId: string | null;
  stepId: string | null;
  decisionId: string | null;
  content: OutboundContent;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
}

/** An owned-channel contact, for guardrails (caps, gaps) and paid-media suppression. */
export interface Contact { channel: ChannelName; at: number; workerId: string | null; status: DeliveryStatus }
