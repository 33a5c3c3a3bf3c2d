/**
 * The contract between the channels module (adapters, delivery log, retries, dead letters) and
 * its callers (workers, audiences, the console). Workers decide whether and when a message may go
 * (caps, quiet hours, gaps); channels make sure it goes at most once, to the right address, only
 * while consent still holds at the moment of delivery, and record what happened.
 */
import type { MessageContent } from '../../core/index.ts';
export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** The consent purpose each owned channel relies on when a send names none. */
export const CHANNEL_PURPOSE: Record<ChannelName, string> = {
  email: 'email_marketing', sms: 'sms_marketing', push: 'push_marketing', webhook: 'personalization', in_app: 'personalization',
};

/** Rendered content (the kernel's MessageContent); which fields matter depends on the channel. */
export type OutboundContent = MessageContent;

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
  /** Where the content came from (template, version, tier, approver), stored with the message and audited with its outcome. */
  provenance?: Record<string, unknown> | undefined;
  /** Transactional messages skip marketing consent (still honour suppression lists). */
  transactional?: boolean | undefined;
}

export type DeliveryStatus =
  | 'queued' | 'sending' | 'sent' | 'delivered' | 'opened' | 'clicked'
  | 'retrying' | 'failed' | 'bounced' | 'complained' | 'dead' | 'suppressed' | 'unknown';

/** Statuses of a message that reached its provider (the denominator of a response rate). */
export const WENT_OUT: readonly DeliveryStatus[] = ['sent', 'delivered', 'opened', 'clicked', 'complained'];

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
  /** Where the content came from (template, version, tier, approver); null when the sender gave none. */
  provenance: Record<string, unknown> | null;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
}

/** An owned-channel contact, for guardrails (caps, gaps) and paid-media suppression. */
export interface Contact { channel: ChannelName; at: number; workerId: string | null; status: DeliveryStatus }

/** A receipt status a provider (or the generic receipts endpoint) may report. */
export const RECEIPT_STATUSES = ['delivered', 'failed', 'bounced', 'complained', 'opened', 'clicked'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** A message in the in-app inbox (GET /v1/inbox); id is the delivery's message id. */
export interface InboxItem {
  id: string;
  profileId: string;
  title: string | null;
  body: string | null;
  url: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
  readAt: string | null;
}

/** An address nothing is sent to on `channel` (or on every channel: 'all'). */
export interface Suppression {
  id: string;
  channel: ChannelName | 'all';
  address: string;
  reason: string;
  /** operator (API), bounce, complaint, unsubscribe. */
  source: string;
  messageId: string | null;
  createdAt: string;
}

export interface DeliveryQuery {
  profileId?: string | undefined;
  workerId?: string | undefined;
  instanceId?: string | undefined;
  channel?: ChannelName | undefined;
  status?: DeliveryStatus | undefined;
  /** Default 50, at most 500. */
  limit?: number | undefined;
  /** A message id: only older messages (ids are time-ordered), for paging. */
  before?: string | undefined;
}

/** Counters since the process started (benchmarks, /metrics). */
export interface ChannelStats {
  queued: number;
  duplicate: number;
  sent: number;
  retrying: number;
  failed: number;
  dead: number;
  suppressed: number;
  unknown: number;
}

export interface ChannelService {
  /**
   * Durably records every request (one multi-row insert, `on conflict (idempotency_key) do
   * nothing`) and enqueues its delivery in the same transaction. A key used before answers
   * 'duplicate' with the first message's id and is never sent again.
   */
  send(reqs: SendRequest[]): Promise<SendOutcome[]>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** Newest first. */
  list(q?: DeliveryQuery): Promise<DeliveryRecord[]>;
  /** Owned-channel messages since `sinceMs` that were not suppressed, failed or dead, newest first. */
  contacts(profileIds: string[], sinceMs: number): Promise<Map<string, Contact[]>>;
  /** Per profile and channel, how many of Braid's own messages went out (ever): the denominator of its response rate. */
  sentCounts(profileIds: string[]): Promise<Map<string, Partial<Record<ChannelName, number>>>>;
  /** The status of each message found by its idempotency key (e.g. a journey step's `worker:instance:step`). */
  statusesByKey(idempotencyKeys: string[]): Promise<Map<string, DeliveryStatus>>;
  /** A signed link that revokes `purpose` for the profile (GET shows a page, POST is RFC 8058 one-click). */
  unsubscribeUrl(profileId: string, purpose: string, messageId?: string): string;
  inbox(profileId: string, opts?: { unreadOnly?: boolean; limit?: number }): Promise<InboxItem[]>;
  /** Marks an inbox item read; false when there is no such item (for that profile, when given). */
  markRead(id: string, profileId?: string): Promise<boolean>;
  /** Called after each status change (sent, delivered, opened, clicked, bounced, ...). Returns an unsubscribe function. */
  onStatus(listener: (rec: DeliveryRecord) => void): () => void;
  /**
   * Applies a provider receipt; returns the updated record, or undefined when the status may not
   * follow the current one (a late 'delivered' after 'opened'). 404 when no message matches.
   * Bounces and complaints also add the address to the suppression list.
   */
  receipt(ref: { messageId?: string; providerId?: string }, status: ReceiptStatus, reason?: string): Promise<DeliveryRecord | undefined>;
  /**
   * A Twilio StatusCallback: verifies X-Twilio-Signature over the callback URL we gave Twilio
   * (publicUrl + path, plus the query of `requestUrl`) and the form fields, then applies it.
   */
  smsCallback(requestUrl: string, params: Record<string, string>, signature: string | undefined): Promise<DeliveryRecord | undefined>;
  /** A generic receipt `{messageId | providerId, status, reason?}`, signed like outgoing webhooks (X-Braid-Timestamp, X-Braid-Signature). */
  signedReceipt(channel: string, rawBody: string, timestamp: string | undefined, signature: string | undefined): Promise<DeliveryRecord | undefined>;
  suppressions(q?: { channel?: string; address?: string; limit?: number; before?: string }): Promise<Suppression[]>;
  /** Adds (or returns the existing) suppression; the address is normalized for the channel. */
  suppress(input: { channel: string; address: string; reason?: string; source?: string; messageId?: string | null }): Promise<Suppression>;
  unsuppress(id: string): Promise<boolean>;
  /** Verifies an unsubscribe token and revokes its purpose (evidence: message id, method). */
  unsubscribe(token: string, method: 'one_click' | 'page'): Promise<{ profileId: string; purpose: string }>;
  /** Reads an unsubscribe token without acting on it; undefined when it is forged or malformed. */
  readUnsubscribeToken(token: string): { profileId: string; purpose: string; messageId?: string } | undefined;
  /** The claims of a genuine open/click tracking token (channels.tracking.ts), or undefined. */
  readTrackingToken(token: string): { messageId: string; kind: 'open' | 'click'; url?: string } | undefined;
  /** BRAID_EMAIL_TRACKING as in effect: on, consent or off. */
  trackingMode(): 'on' | 'consent' | 'off';
  /** Starts the pg-boss workers that deliver queued messages. */
  /** Effective provider settings (secrets shown only as set), each with where it comes from. */
  providers(): Record<string, { value: string | null; source: 'api' | 'env' | 'unset' }>;
  /** Overrides provider settings (null restores the environment's); adapters are rebuilt at once. */
  setProviders(body: unknown): Promise<Record<string, { value: string | null; source: 'api' | 'env' | 'unset' }>>;
  start(): Promise<void>;
  /** Stops the workers (waiting for in-flight deliveries), pg-boss timers and SMTP connections. */
  stop(): Promise<void>;
  stats(): ChannelStats;
}
