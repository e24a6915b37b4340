import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from '../../src/temporal/data-converter';
import { loadConfig } from '../../src/config/config';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { spawnReceiver, type ReceiverProcess } from '../support/receiver-process';
import { TEST_PAYLOAD_KEYS, TEST_SECRET } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';
import { startWordPress, type WordPress } from '../../tools/wordpress';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { eventually } from '../support/eventually';

const SERVER = 2;
const CLIENT = 3;
const LEAD_EMAIL = 'trace-lead@example.org';
const LEAD_SCORE = { intent: 'demo', score: 71, summary: 'Wants a demo.', stage: 'qualified' };

/** W3C traceparent: version-traceid-spanid-flags. */
function parseTraceparent(value: string | undefined): { traceId: string; spanId: string } | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(value ?? '');
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
}

function jsonLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/**
 * Tracing end to end, with the receiver and the worker as their own processes (as deployed), a real Temporal
 * dev server, a real WordPress, the stand-in LLM and CRM, and a real OTLP/HTTP collector on 127.0.0.1 that
 * decodes what the SDK exports: the receiver exports JSON, the worker protobuf.
 */
describe('tracing through the OTEL_* variables', () => {
  let temporal: TestTemporal;
  let wp: WordPress;
  let llm: LlmStub;
  let crm: CrmStub;
  let otlp: OtlpReceiver;
  let client: Client;
  const processes: (ReceiverProcess | WorkerProcess)[] = [];
  const traceparentLog = () => join(wp.dir, 'traceparents.log');

  before(async () => {
    [temporal, wp, llm, crm, otlp] = await Promise.all([startTestTemporal(), startWordPress(), startLlmStub(), startCrmStub(), startOtlpReceiver()]);
    // WordPress's side of the wire: every REST request's traceparent, as PHP received it.
    await writeFile(
      join(wp.dir, 'site/wp-content/mu-plugins/record-traceparent.php'),
      `<?php\nif (isset($_SERVER['HTTP_TRACEPARENT'])) {\n  file_put_contents('${traceparentLog()}', $_SERVER['REQUEST_METHOD'] . ' ' . strtok($_SERVER['REQUEST_URI'], '?') . ' ' . $_SERVER['HTTP_TRACEPARENT'] . "\\n", FILE_APPEND | LOCK_EX);\n}\n`,
    );
    const config = loadConfig({ TEMPORAL_ADDRESS: temporal.address, PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS });
    client = new Client({ connection: await Connection.connect({ address: temporal.address }), dataConverter: dataConverterOf(resolvePayloadCodec(config).codec) });
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await client?.connection.close();
    await Promise.all([wp?.stop(), llm?.close(), crm?.close(), otlp?.close()]);
    await temporal?.stop();
  });

  /** A receiver and a worker on their own task queue; `otel` is the tracing part of their environment. */
  async function startRelayProcesses(taskQueue: string, otel: { receiver: Record<string, string>; worker: Record<string, string> }) {
    const common = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info' };
    // One after the other: on a loaded machine, two start-ups at once can outlast the helpers' deadlines.
    const receiver = await spawnReceiver({ ...common, WP_RELAY_SECRET: TEST_SECRET, ...otel.receiver });
    processes.push(receiver);
    const worker = await spawnWorker({
      ...common,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      WP_BASE_URL: wp.baseUrl,
      WP_USERNAME: wp.adminUser,
      WP_APP_PASSWORD: wp.appPassword,
      CRM_WEBHOOK_URL: crm.url,
      CRM_WEBHOOK_SECRET: crm.secret,
      ...otel.worker,
    });
    processes.push(worker);
    return { receiver, worker };
  }

  async function publishPost(title: string): Promise<number> {
    const response = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, content: `Body of ${title}, long enough to summarise.`, status: 'publish' }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: number }).id;
  }

  async function deliver(receiver: ReceiverProcess, event: Record<string, unknown>): Promise<WorkflowHandle> {
    const answer = await sendWebhook(receiver.url, event);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const handle = client.workflow.getHandle(String(event.idempotency_key));
    await handle.result();
    return handle;
  }

  /** Whether the start and the scheduled activities carry the interceptors' trace header in Temporal's history. */
  async function tracedHeaders(handle: WorkflowHandle): Promise<boolean[]> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const header = e.workflowExecutionStartedEventAttributes?.header ?? e.activityTaskScheduledEventAttributes?.header;
      if (!e.workflowExecutionStartedEventAttributes && !e.activityTaskScheduledEventAttributes) return [];
      return [Object.keys(header?.fields ?? {}).includes('_tracer-data')];
    });
  }

  describe('with an OTLP endpoint set', () => {
    let receiver: ReceiverProcess;
    let worker: WorkerProcess;

    before(async () => {
      const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
      ({ receiver, worker } = await startRelayProcesses('tracing-on', {
        receiver: { ...otel, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
        worker: { ...otel, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      }));
    });

    /** Every span of the trace the event's StartWorkflow span belongs to, once `complete` finds what it waits for. */
    async function traceOf(workflowType: string, key: string, complete: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
      return eventually(async () => {
        const start = otlp.spans.find((s) => s.name === `StartWorkflow:${workflowType}` && s.attributes.temporalWorkflowId === key);
        const spans = start ? otlp.spans.filter((s) => s.traceId === start.traceId) : [];
        return start && complete(spans) ? spans : undefined;
      }, `the spans of ${key}`);
    }

    const one = (spans: ReceivedSpan[], name: string) => {
      const found = spans.filter((s) => s.name === name);
      assert.equal(found.length, 1, `one ${name} span (found ${found.length})`);
      return found[0]!;
    };
    const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

    test('post.published: one trace from the webhook request through the workflow and each activity to WordPress and the LLM', async () => {
      const title = 'Traced post 5150';
      const postId = await publishPost(title);
      const event = sampleEvent('post.published', { post_id: postId, title });
      const key = String(event.idempotency_key);
      const handle = await deliver(receiver, event);
      const activities = ['fetchPost', 'summarizePost', 'writeSummary'];
      const spans = await traceOf('enrichPost', key, (found) =>
        activities.every((a) => found.some((s) => s.name === `RunActivity:${a}`)) && found.some((s) => s.name === 'RunWorkflow:enrichPost'),
      );

      // Receiver: the incoming request is the root; StartWorkflow is its child.
      const request = spans.find((s) => s.kind === SERVER && s.attributes['http.target'] === '/webhooks/wp');
      assert.ok(request, 'the receiver exported a server span for the webhook');
      assert.equal(request.parentSpanId, '', 'the webhook request is the root of the trace');
      assert.equal(request.serviceName, 'wp-ai-relay-receiver');
      const start = one(spans, 'StartWorkflow:enrichPost');
      assert.equal(start.parentSpanId, request.spanId, 'StartWorkflow is a child of the webhook request');
      assert.equal(start.serviceName, 'wp-ai-relay-receiver');

      // Worker: the workflow run under the start, each activity under the workflow, each HTTP call under its activity.
      const run = one(spans, 'RunWorkflow:enrichPost');
      assert.equal(run.parentSpanId, start.spanId, 'RunWorkflow is a child of StartWorkflow');
      assert.equal(run.serviceName, 'wp-ai-relay-worker');
      const calls = new Map<string, ReceivedSpan>();
      for (const activity of activities) {
        const scheduled = one(spans, `StartActivity:${activity}`);
        assert.equal(scheduled.parentSpanId, run.spanId, `${activity} is scheduled by the workflow run`);
        const attempt = one(spans, `RunActivity:${activity}`);
        assert.equal(attempt.parentSpanId, scheduled.spanId, `${activity}'s attempt runs under its StartActivity`);
        const http = childrenOf(spans, attempt).filter((s) => s.kind === CLIENT);
        assert.equal(http.length, 1, `${activity} made one HTTP call`);
        calls.set(activity, http[0]!);
      }
      assert.equal(calls.get('fetchPost')!.name, 'GET');
      assert.equal(calls.get('fetchPost')!.attributes['url.path'], `/wp-json/wp/v2/posts/${postId}`);
      assert.equal(calls.get('summarizePost')!.name, 'POST');
      assert.equal(calls.get('summarizePost')!.attributes['url.path'], '/v1/chat/completions');
      assert.equal(calls.get('writeSummary')!.name, 'POST');
      assert.equal(calls.get('writeSummary')!.attributes['url.query'], '', 'no query string is recorded');
      assert.deepEqual(new Set(spans.map((s) => s.traceId)).size, 1);
      assert.ok(otlp.contentTypes.includes('application/json') && otlp.contentTypes.includes('application/x-protobuf'), 'both encodings were decoded');

      // The far ends received the trace context of the very span that made the call.
      const atLlm = llm.requests.map((r) => parseTraceparent(r.traceparent)).filter((t) => t?.traceId === start.traceId);
      assert.deepEqual(atLlm, [{ traceId: start.traceId, spanId: calls.get('summarizePost')!.spanId }]);
      const atWordPress = (await readFile(traceparentLog(), 'utf8'))
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([, path]) => path === `/wp-json/wp/v2/posts/${postId}`)
        .map(([method, , traceparent]) => ({ method, ...parseTraceparent(traceparent) }));
      assert.deepEqual(atWordPress, [
        { method: 'GET', traceId: start.traceId, spanId: calls.get('fetchPost')!.spanId },
        { method: 'POST', traceId: start.traceId, spanId: calls.get('writeSummary')!.spanId },
      ]);

      // Logs: the receiver's line for the request and the worker's line for each attempt carry the trace.
      // The receiver writes its log in blocks: its line for the request is waited for, not assumed written.
      await eventually(() => jsonLines(receiver.output()).some((l) => l.idempotencyKey === key) || undefined, "the receiver's line for the request");
      const received = jsonLines(receiver.output()).filter((l) => l.idempotencyKey === key);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.trace_id, start.traceId);
      assert.equal(received[0]!.span_id, request.spanId);
      // Each attempt's line reaches this process through the worker's stdout, on its own schedule.
      const attemptLines = () => jsonLines(worker.output()).filter((l) => l.workflowId === key);
      await eventually(() => attemptLines().length >= activities.length || undefined, "the worker's line for each attempt");
      const attempts = attemptLines();
      assert.deepEqual(attempts.map((l) => l.activityType), activities);
      for (const line of attempts) {
        assert.equal(line.trace_id, start.traceId);
        assert.equal(line.span_id, one(spans, `RunActivity:${String(line.activityType)}`).spanId);
      }
      assert.ok((await tracedHeaders(handle)).every(Boolean), 'the start and every activity carry the trace header');

      // Nothing personal or secret in any attribute: not the title, the content, the secrets or the password.
      const attributes = JSON.stringify(spans.map((s) => s.attributes));
      for (const secretish of [title, 'Body of', TEST_SECRET, wp.appPassword, 'Basic ', 'sk-test']) {
        assert.equal(attributes.includes(secretish), false, `a span attribute holds ${secretish.slice(0, 8)}…`);
      }
    });

    test('lead.submitted: the CRM receives the trace context, and no span holds the e-mail or the CRM path', async () => {
      llm.enqueue({ kind: 'json', value: LEAD_SCORE });
      const event = sampleEvent('lead.submitted', { fields: { email: LEAD_EMAIL, name: 'Trace Lead', message: 'Call me.' } });
      const key = String(event.idempotency_key);
      await deliver(receiver, event);
      const spans = await traceOf('enrichLead', key, (found) => found.some((s) => s.name === 'RunActivity:deliverLead') && found.some((s) => s.name === 'RunWorkflow:enrichLead'));

      const attempt = one(spans, 'RunActivity:deliverLead');
      const [call] = childrenOf(spans, attempt).filter((s) => s.kind === CLIENT);
      assert.ok(call, 'deliverLead made an HTTP call');
      const crmUrl = new URL(crm.url);
      assert.equal(call.attributes['url.full'], `${crmUrl.origin}/`, "only the CRM's origin is recorded");
      const atCrm = crm.requests.filter((r) => r.idempotencyKey === `crm:${key}`).map((r) => parseTraceparent(r.traceparent));
      assert.deepEqual(atCrm, [{ traceId: attempt.traceId, spanId: call.spanId }]);
      assert.equal(one(spans, 'RunWorkflow:enrichLead').parentSpanId, one(spans, 'StartWorkflow:enrichLead').spanId);

      assert.equal(JSON.stringify(otlp.spans.map((s) => s.attributes)).includes(LEAD_EMAIL), false, 'no span holds the e-mail');
      assert.equal(JSON.stringify(otlp.spans.map((s) => s.attributes)).includes('Trace Lead'), false, 'no span holds the name');
    });
  });

  describe('with no OTEL_* variable set', () => {
    test('nothing is exported, no trace context is sent, and the log lines have no trace fields', async () => {
      // Where the SDK would send by default, were it started: http://localhost:4318.
      const defaultCollector = await startOtlpReceiver(4318).catch(() => undefined);
      try {
        const exportsBefore = otlp.requestCount();
        const { receiver, worker } = await startRelayProcesses('tracing-off', { receiver: {}, worker: {} });
        const title = 'Untraced post 5151';
        const postId = await publishPost(title);
        const event = sampleEvent('post.published', { post_id: postId, title });
        const key = String(event.idempotency_key);
        const llmBefore = llm.requests.length;
        const handle = await deliver(receiver, event);

        assert.deepEqual(await tracedHeaders(handle), [false, false, false, false], 'no trace header on the start or any activity');
        const llmCalls = llm.requests.slice(llmBefore);
        assert.equal(llmCalls.length, 1);
        assert.equal(llmCalls[0]!.traceparent, undefined, 'the LLM got no traceparent');
        const wordpressLog = await readFile(traceparentLog(), 'utf8');
        assert.equal(wordpressLog.includes(`/wp-json/wp/v2/posts/${postId} `), false, 'WordPress got no traceparent');

        // Both processes write their log in blocks, the last line up to 250 ms late; stopped, they have written all.
        await receiver.stop();
        await worker.stop();
        const lines = [...jsonLines(receiver.output()), ...jsonLines(worker.output())];
        const ofEvent = lines.filter((l) => l.idempotencyKey === key || l.workflowId === key);
        assert.equal(ofEvent.length, 4, `the webhook line and three activity attempts, not: ${ofEvent.map((l) => l.msg as string).join(' | ')}`);
        for (const line of lines) {
          assert.equal('trace_id' in line || 'span_id' in line, false, `a trace field in: ${line.msg as string}`);
        }
        assert.equal(otlp.requestCount(), exportsBefore, 'nothing reached the collector');
        if (defaultCollector) assert.equal(defaultCollector.requestCount(), 0, 'nothing reached the default endpoint');
      } finally {
        await defaultCollector?.close();
      }
    });
  });
});
