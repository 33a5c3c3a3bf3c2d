export const MESSAGE_TYPES = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * A Segment message as Braid stores it: ids coerced to strings, `timestamp` corrected for client
 * clock skew, `originalTimestamp` as the client sent it, `receivedAt` from Braid's clock.
 */
export interface StoredMessage {
  messageId: string;
  type: MessageType;
  event?: string;
  name?: string;
  category?: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  groupId?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  timestamp: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt: string;
}

/** A message read back from the log, with its position. */
export interface LoggedMessage extends StoredMessage { seq: number }

export interface IngestResult { accepted: number; duplicates: number }
