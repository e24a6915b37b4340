import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What became of a webhook, as a label value. `throttled` (429) and `unavailable` (503) are apart from `rejected`
 * because the sender retries them: a rise means load or a Temporal outage, not bad senders.
 */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'rejected' | 'throttled' | 'unavailable' | 'error';

/** The receiver's Prometheus metrics, on a registry of its own so tests and several apps in one process don't clash. */
export function createReceiverMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wp_ai_relay_receiver_' });
  const webhooks = new Counter({
    name: 'wp_ai_relay_webhooks_total',
    help: 'Webhook requests by outcome, reason (the HttpError code, or the outcome itself) and HTTP status.',
    labelNames: ['outcome', 'reason', 'status'] as const,
    registers: [registry],
  });
  // Series that exist from the start, so rate() and alerts see a 0 before the first request, not "no data".
  webhooks.inc({ outcome: 'accepted', reason: 'accepted', status: '202' }, 0);
  webhooks.inc({ outcome: 'duplicate', reason: 'duplicate', status: '202' }, 0);
  webhooks.inc({ outcome: 'throttled', reason: 'backpressure', status: '429' }, 0);
  webhooks.inc({ outcome: 'unavailable', reason: 'temporal_unavailable', status: '503' }, 0);
  webhooks.inc({ outcome: 'unavailable', reason: 'relay_misconfigured', status: '503' }, 0);
  webhooks.inc({ outcome: 'rejected', reason: 'rejected_by_temporal', status: '400' }, 0);
  return {
    registry,
    webhooks,
    latency: new Histogram({
      name: 'wp_ai_relay_webhook_duration_seconds',
      help: 'Time from request to response for POST /webhooks/wp.',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    startLatency: new Histogram({
      name: 'wp_ai_relay_workflow_start_duration_seconds',
      help: "Time the receiver waited on Temporal for one workflow start (StartWorkflowExecution, the client's encoding and retries included), whatever its outcome; the rest of wp_ai_relay_webhook_duration_seconds is the receiver's own.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'wp_ai_relay_http_client_errors_total',
      help: "Requests refused by Node's HTTP parser or timed out before the app saw them, by parser code and HTTP status.",
      labelNames: ['code', 'status'] as const,
      registers: [registry],
    }),
    misconfigured: new Gauge({
      name: 'wp_ai_relay_misconfigured',
      help: '1 while the relay cannot start workflows because of its own Temporal configuration (namespace, search attributes, credentials), as last seen by /readyz or a start; alert on it.',
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'wp_ai_relay_webhooks_in_flight',
      help: 'POST /webhooks/wp requests being handled now (read, verified or started); 429s start when authenticated starts in progress reach MAX_IN_FLIGHT_STARTS.',
      registers: [registry],
    }),
  };
}

export type ReceiverMetrics = ReturnType<typeof createReceiverMetrics>;

/** The outcome label of a finished webhook request. */
export function webhookOutcome(status: number, recorded: 'accepted' | 'duplicate' | undefined): WebhookOutcome {
  if (recorded !== undefined) return recorded;
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'error' : 'rejected';
}
