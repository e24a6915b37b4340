import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { CrmRecord } from '../../activities/crm';
import type { enrichLead } from '../../workflows';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';
import { activityFailureOf } from '../support/run-failure';

const SCORE = { intent: 'quote', score: 82, summary: 'Wants a quote for 40 seats.', stage: 'qualified' };

/**
 * enrichLead through the real receiver and worker on a real Temporal: the real `openai` client scores against
 * the stand-in LLM, and a stand-in CRM on 127.0.0.1 verifies each Standard Webhooks signature and keeps one
 * record per Idempotency-Key.
 */
describe('enrichLead: a lead reaches the CRM once, scored and signed, and stays encrypted in Temporal', () => {
  let temporalServer: TestTemporal;
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;

  before(async () => {
    [temporalServer, llm, crm] = await Promise.all([startTestTemporal(), startLlmStub(), startCrmStub()]);
    llm.setDefault({ kind: 'json', value: SCORE });
    relay = await startRelay({
      temporal: temporalServer,
      env: { OPENAI_BASE_URL: llm.baseURL, CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: crm.secret },
    });
  });
  after(async () => {
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close(), temporalServer?.stop()]);
  });

  async function submit(fields: Record<string, string>) {
    const event = sampleEvent('lead.submitted', { fields });
    const answer = await sendWebhook(relay.url, event);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'accepted');
    return { event, handle: relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key)) };
  }

  const requestsFor = (key: string) => crm.requests.filter((r) => r.idempotencyKey === key);

  it('normalises, scores and delivers a lead once, and a re-sent event adds nothing', async () => {
    const { event, handle } = await submit({ email: '  Ada.Lovelace@GMail.com ', name: 'Ada', company: 'Analytical Engines', message: 'Quote for 40 seats?' });
    const result = await handle.result();
    assert.deepEqual(
      { outcome: result.outcome, score: result.score, intent: result.intent, stage: result.stage },
      { outcome: 'delivered', score: 82, intent: 'quote', stage: 'qualified' },
    );
    assert.equal(result.idempotencyKey, `crm:${event.idempotency_key}`);
    // What the score cost and which prompt made it, in the run's result (the stand-in reports 10 + 10 tokens).
    assert.deepEqual(result.llm, { prompt: 'lead_score@1', model: llm.requests.at(-1)?.model, promptTokens: 10, completionTokens: 10, totalTokens: 20 });

    const record = crm.records.get(result.idempotencyKey) as CrmRecord;
    assert.ok(record, 'the CRM holds a record under the key');
    assert.deepEqual(record.contact, { email: 'ada.lovelace@gmail.com', domain: 'gmail.com', free_mail: true, name: 'Ada', company: 'Analytical Engines' });
    assert.deepEqual(record.score, SCORE);
    assert.equal(record.lead_id, event.lead_id);
    const [request] = requestsFor(result.idempotencyKey);
    assert.equal(request?.signatureValid, true);
    assert.equal(request?.webhookId, result.idempotencyKey, 'webhook-id is the Idempotency-Key');

    // What the LLM saw: the domain, never the address.
    const prompt = llm.requests.at(-1)?.messages.map((m) => m.content).join('\n') ?? '';
    assert.match(prompt, /gmail\.com \(free-mail provider\)/);
    assert.doesNotMatch(prompt, /ada\.lovelace/i);

    const again = await sendWebhook(relay.url, event);
    assert.equal(again.body.status, 'duplicate');
    assert.equal(requestsFor(result.idempotencyKey).length, 1);

    // The replay fixture: a real, encrypted (TEST_PAYLOAD_KEYS) history of this run.
    if (process.env.RECORD_HISTORY === '1') {
      writeFileSync(join(__dirname, '../fixtures/enrich-lead-history.json'), `${historyToJSON(await handle.fetchHistory())}\n`);
    }
  });

  it('a company domain is not free mail', async () => {
    const { handle } = await submit({ email: 'cto@analytical-engines.example', message: 'Demo please' });
    const result = await handle.result();
    const record = crm.records.get(result.idempotencyKey) as CrmRecord;
    assert.equal(record.contact.free_mail, false);
    assert.equal(record.contact.domain, 'analytical-engines.example');
  });

  it('a CRM answering 503 is retried with the same key and signed again: one record', async () => {
    crm.enqueue({ kind: 'status', status: 503, retryAfter: '1' });
    const { handle } = await submit({ email: 'retry@example.org', message: 'Call me' });
    const result = await handle.result();
    assert.equal(result.outcome, 'delivered');
    const requests = requestsFor(result.idempotencyKey);
    assert.deepEqual(requests.map((r) => r.status), [503, 201]);
    assert.ok(requests.every((r) => r.signatureValid));
    assert.equal([...crm.records.keys()].filter((k) => k === result.idempotencyKey).length, 1);
  });

  it('a CRM answering 409 already has the lead: the run completes as already_delivered', async () => {
    crm.enqueue({ kind: 'status', status: 409 });
    const { handle } = await submit({ email: 'known@example.org' });
    assert.equal((await handle.result()).outcome, 'already_delivered');
  });

  it('a CRM answering 422 fails the run at once with CRMRejected', async () => {
    crm.enqueue({ kind: 'status', status: 422 });
    const { handle } = await submit({ email: 'rejected@example.org' });
    const { cause } = await activityFailureOf(handle);
    assert.equal(cause.type, 'CRMRejected');
    assert.equal(cause.nonRetryable, true);
    assert.equal(requestsFor(`crm:${handle.workflowId}`).length, 1);
  });

  it('the raw history holds no plaintext e-mail, and the codec server decodes it for an operator', async () => {
    const { handle } = await submit({ email: 'secret.person@example.net', name: 'Secret Person', message: 'Private message' });
    await handle.result();
    const { history } = await relay.client.workflowService.getWorkflowExecutionHistory({
      namespace: relay.config.temporal.namespace,
      execution: { workflowId: handle.workflowId },
    });
    const raw = historyToJSON(history!);
    const decoded64 = (s: string) => Buffer.from(s).toString('base64');
    for (const secret of ['secret.person', 'Secret Person', 'Private message']) {
      assert.ok(!raw.includes(secret) && !raw.includes(decoded64(secret)), `${secret} is not readable in the raw history`);
      assert.ok(!Buffer.from(JSON.stringify(history)).includes(secret));
    }
    assert.match(raw, new RegExp(decoded64('binary/encrypted')));

    const started = history!.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
    const input = started.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const answer = await fetch(`${relay.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      body: JSON.stringify({ payloads: input.map(toCodecJson) }),
    });
    assert.equal(answer.status, 200);
    const { payloads } = (await answer.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString(), 'json/plain');
    const lead = JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString()) as { fields: Record<string, string> };
    assert.equal(lead.fields.email, 'secret.person@example.net');
  });
});

function toCodecJson(payload: temporal.api.common.v1.IPayload) {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
