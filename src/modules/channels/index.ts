/**
 * Channels: one adapter interface over email, SMS, push, webhook and the in-app inbox, with a
 * durable delivery log (at most one message per idempotency key), retries with backoff, dead
 * letters, receipts, unsubscribe and suppression lists. This file is the module's only public entry.
 */
export * from './channels.types.ts';
export { createChannels, type ChannelCollaborators, type ChannelOptions } from './channels.service.ts';
export { registerChannelRoutes } from './channels.routes.ts';
export { engagementRecorder, registerTrackingRoutes, type EngagementEvent, type TrackingCollaborators } from './channels.tracking.routes.ts';
export { signWebhook, verifyWebhook, signTwilio } from './channels.sign.ts';
export { PUSH_TOKEN_TRAITS } from './channels.deliver.ts';
