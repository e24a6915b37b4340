import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IResource } from '@opentelemetry/resources';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config/config';
import { outgoingRequestInstrumentation } from './outgoing-requests';
import { earlyInstrumentations } from './preload';
import type { Tracing } from './tracing';

/** The workflow side of the Temporal interceptors: RunWorkflow and StartActivity spans, made in the sandbox. */
const WORKFLOW_INTERCEPTORS = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The SDK itself; loaded only when tracing is on (see startTracing). */
export function startSdk(config: Config, serviceName: string): Tracing | undefined {
  const sdk = new NodeSDK({
    ...(config.tracing.serviceName === undefined ? { serviceName } : {}),
    instrumentations: [...earlyInstrumentations, outgoingRequestInstrumentation(config.crm.webhookUrl)],
    // Logs stay JSON lines on stdout (with trace ids); no OTLP log exporter is built for records never emitted.
    logRecordProcessors: [],
  });
  sdk.start();
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
  if (!(provider instanceof BasicTracerProvider)) {
    // The SDK found no exporter to build (an OTEL_TRACES_EXPORTER it does not know): it has said so on stderr.
    void sdk.shutdown();
    return undefined;
  }
  return { ...temporalTracing(provider.getActiveSpanProcessor(), provider.resource), shutdown: () => sdk.shutdown() };
}

/** The Temporal interceptors, their spans ending in `processor`; apart from startSdk so replay tests install the same. */
export function temporalTracing(processor: SpanProcessor, resource: IResource): Omit<Tracing, 'shutdown'> {
  return {
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    worker: {
      workflowModules: [WORKFLOW_INTERCEPTORS],
      activity: (context) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(context),
        outbound: new OpenTelemetryActivityOutboundInterceptor(context),
      }),
      // Workflow spans go through the provider's own processors, so they are batched and exported like the rest.
      sinks: { exporter: makeWorkflowExporter(processor, resource) },
    },
  };
}
