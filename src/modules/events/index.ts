// Placeholder: being built (Segment-compatible ingestion into the durable event log).
import type { CoreDeps, HttpServer } from '../../core/index.ts';
export interface IngestResult { accepted: number; duplicates: number }
export interface EventLog {
  /** Validates and durably commits Segment-format messages, exactly as POST /v1/batch does. */
  ingest(messages: unknown[], opts?: { context?: Record<string, unknown> }): Promise<IngestResult>;
}
export function createEventLog(_deps: CoreDeps): EventLog { return { ingest: async () => ({ accepted: 0, duplicates: 0 }) }; }
export function registerEventRoutes(_app: HttpServer, _log: EventLog): void {}
