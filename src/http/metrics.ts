import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The receiver's Prometheus metrics, on a registry of its own so tests and several apps in one process don't clash. */
export function createReceiverMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wp_ai_relay_receiver_' });
  return {
    registry,
    /** outcome: accepted | duplicate | rejected; reason: the WebhookError code, or the outcome itself. */
    webhooks: new Counter({
      name: 'wp_ai_relay_webhooks_total',
      help: 'Webhook requests by outcome and reason.',
      labelNames: ['outcome', 'reason', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'wp_ai_relay_webhook_duration_seconds',
      help: 'Time from request to response for POST /webhooks/wp.',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type ReceiverMetrics = ReturnType<typeof createReceiverMetrics>;
