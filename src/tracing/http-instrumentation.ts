import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';

/** Probes and scrapes: polled every few seconds, they would bury the webhooks' traces. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Server spans for the receiver's requests; created by the preload, before `http` is loaded by anything else. */
export function incomingRequestInstrumentation(): HttpInstrumentation {
  return new HttpInstrumentation({
    ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
    // The relay's own outgoing calls all use fetch (undici), traced by the undici instrumentation.
    disableOutgoingRequestInstrumentation: true,
  });
}
