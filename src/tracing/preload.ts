import type { Instrumentation } from '@opentelemetry/instrumentation';
import { tracingRequested } from '../config/config';

/**
 * Imported first by each entry point. OpenTelemetry's HTTP instrumentation patches `http` when it is required, so
 * it must exist before Koa and the server load; the SDK itself starts later (startTracing), once the config is read.
 * With tracing off nothing is loaded or created, and `http` stays as Node made it.
 */
export const earlyInstrumentations: Instrumentation[] = tracingRequested()
  ? // Synchronous on purpose: an `await import()` would let the entry point's other imports load `http` first.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    [(require('./http-instrumentation') as typeof import('./http-instrumentation')).incomingRequestInstrumentation()]
  : [];
