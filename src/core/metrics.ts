import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per Braid instance, so tests can run several in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'braid_process_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'braid_http_request_duration_seconds', help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'] as const, registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    ingestEvents: new Counter({ name: 'braid_ingest_events_total', help: 'Messages accepted and committed, by type', labelNames: ['type'] as const, registers: [registry] }),
    ingestDuplicates: new Counter({ name: 'braid_ingest_duplicates_total', help: 'Messages dropped as re-sent (same messageId)', registers: [registry] }),
    ingestRejected: new Counter({ name: 'braid_ingest_rejected_total', help: 'Requests rejected, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    ingestCommitDuration: new Histogram({
      name: 'braid_ingest_commit_duration_seconds', help: 'Latency of one group commit of the event log', registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    }),
    ingestCommitSize: new Histogram({ name: 'braid_ingest_commit_events', help: 'Messages per group commit', registers: [registry], buckets: [1, 10, 50, 100, 500, 1000, 2500, 5000, 10000] }),
    projectionLag: new Gauge({ name: 'braid_projection_lag_events', help: 'Events committed to the log but not yet applied to profiles', registers: [registry] }),
    projectedEvents: new Counter({ name: 'braid_projected_events_total', help: 'Events applied to profiles', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
