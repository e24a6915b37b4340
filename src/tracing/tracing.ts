import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

/** What tracing hands the receiver's client and the worker once the SDK runs (src/tracing/sdk.ts builds it). */
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
