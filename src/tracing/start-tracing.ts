import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Config } from '../config';

export interface Tracing {
  /** For the receiver's client: a StartWorkflow span, its context handed to the workflow in the start's headers. */
  readonly clientInterceptors: ClientInterceptors;
  /** For a worker: workflow spans (exported from the sandbox through a sink) and a span around each activity. */
  readonly worker: {
    readonly workflowModules: string[];
    readonly activity: ActivityInterceptorsFactory;
    readonly sinks: InjectedSinks<OpenTelemetrySinks>;
  };
  /** Exports the spans still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when tracing is configured; undefined otherwise, and then not even its modules are
 * loaded. The SDK configures itself from the standard OTEL_* variables: exporter, protocol, endpoint, headers,
 * sampler, resource.
 */
export function startTracing(config: Config, serviceName: string): Tracing | undefined {
  if (!config.tracing.enabled) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./sdk') as typeof import('./sdk');
  return startSdk(config, serviceName);
}
