export { createEventLog, type EventLog } from './events.service.ts';
export { registerEventRoutes } from './events.routes.ts';
export type { IngestResult, LoggedMessage, StoredMessage, MessageType } from './events.types.ts';
export { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES } from './events.validate.ts';
