import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';

/** One span as a tracing backend stores it: ids in lowercase hex, attributes flattened. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly serviceName: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface OtlpReceiver {
  /** The OTEL_EXPORTER_OTLP_ENDPOINT to configure (the exporters append /v1/traces). */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** The content type of every export request, in order: which encodings were used. */
  readonly contentTypes: string[];
  /** Every request, any path (traces, metrics, logs). */
  requestCount(): number;
  close(): Promise<void>;
}

/** The exporter's own generated protobuf code; its declaration file types it only as a bare Root. */
const TraceRequest = (generatedRoot as unknown as ProtoRoot).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * An OTLP/HTTP collector on 127.0.0.1, as far as a test needs one: it takes trace exports in both encodings the
 * SDK sends, protobuf (`application/x-protobuf`, decoded with OpenTelemetry's own proto definitions) and JSON
 * (`application/json`), answers 200 with an empty ExportTraceServiceResponse, and keeps every span.
 */
export async function startOtlpReceiver(listenPort = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0] ?? '';
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(200, { 'content-type': contentType }).end(contentType === 'application/json' ? '{}' : '');
      return;
    }
    contentTypes.push(contentType);
    if (contentType === 'application/json') {
      spans.push(...fromJson(JSON.parse(body.toString('utf8')) as JsonExport));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if (contentType === 'application/x-protobuf') {
      spans.push(...fromProtobuf(body));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } else {
      res.writeHead(415).end();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  server.listen(listenPort, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    requestCount: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | string | { toString(): string } | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
}
interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}
interface JsonExport {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }[] }[];
  }[];
}

interface ProtoExport {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] | null } | null;
    scopeSpans?: {
      spans?: { traceId?: Uint8Array | null; spanId?: Uint8Array | null; parentSpanId?: Uint8Array | null; name?: string | null; kind?: number | null; attributes?: KeyValue[] | null }[] | null;
    }[] | null;
  }[] | null;
}
interface ProtoRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(body: Uint8Array): ProtoExport } } } } } };
}

function valueOf(value: AnyValue | null | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return Number(value.intValue.toString());
  if (value.doubleValue != null) return value.doubleValue;
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(list: KeyValue[] | null | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key ?? '', valueOf(kv.value)]));
}

function fromJson(payload: JsonExport): ReceivedSpan[] {
  return (payload.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        serviceName,
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  const hex = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('hex');
  const request = TraceRequest.decode(body);
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name ?? '',
        kind: Number(span.kind ?? 0),
        serviceName,
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}
