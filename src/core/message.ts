/**
 * What a rendered message is, shared by the layer that writes it (content, in the brain) and the
 * one that delivers it (channels, in the muscle). Which fields matter depends on the channel.
 */
export interface MessageContent {
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
