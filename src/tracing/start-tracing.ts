import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Config } from '../config';
import { outgoingRequestInstrumentation } from './outgoing-requests';
import { earlyInstrumentations } from './preload';

/** The workflow side of the Temporal interceptors: RunWorkflow and StartActivity spans, made in the sandbox. */
const WORKFLOW_INTERCEPTORS = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

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
 * Starts the OpenTelemetry SDK when tracing is configured; undefined (and nothing started) otherwise. The SDK
 * configures itself from the standard OTEL_* variables: exporter, protocol, endpoint, headers, sampler, resource.
 */
export function startTracing(config: Config, serviceName: string): Tracing | undefined {
  if (!config.tracing.enabled) return undefined;
  const sdk = new NodeSDK({
    ...(config.tracing.serviceName === undefined ? { serviceName } : {}),
    instrumentations: [...earlyInstrumentations, outgoingRequestInstrumentation(config.crm.webhookUrl)],
  });
  sdk.start();
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
  if (!(provider instanceof BasicTracerProvider)) {
    // The SDK found no exporter to build (an OTEL_TRACES_EXPORTER it does not know): it has said so on stderr.
    void sdk.shutdown();
    return undefined;
  }
  return {
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    worker: {
      workflowModules: [WORKFLOW_INTERCEPTORS],
      activity: (context) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(context),
        outbound: new OpenTelemetryActivityOutboundInterceptor(context),
      }),
      // Workflow spans go through the provider's own processors, so they are batched and exported like the rest.
      sinks: { exporter: makeWorkflowExporter(provider.getActiveSpanProcessor(), provider.resource) },
    },
    shutdown: () => sdk.shutdown(),
  };
}
