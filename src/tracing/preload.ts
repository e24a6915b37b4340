import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { tracingRequested } from '../config';

/** Probes and scrapes: polled every few seconds, they would bury the webhooks' traces. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Imported first by each entry point. OpenTelemetry's HTTP instrumentation patches `http` when it is required, so
 * it must exist before Koa and the server load; the SDK itself starts later (startTracing), once the config is read.
 * With tracing off nothing is created, and `http` stays as Node made it.
 */
export const earlyInstrumentations: Instrumentation[] = tracingRequested()
  ? [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        // The relay's own outgoing calls all use fetch (undici), traced by the undici instrumentation.
        disableOutgoingRequestInstrumentation: true,
      }),
    ]
  : [];
