import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../contract/activities';
import { leadSubmittedSchema } from '../../contract/events';
import { enrichLeadInputOf, type NormalizedLead } from '../../contract/leads';
import { resolvePayloadCodec } from '../../src/temporal/data-converter';
import { loadConfig } from '../../src/config/config';
import { installRuntime } from '../../src/temporal/runtime';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { enrichLead } from '../../workflows';
import { TOKEN_BUDGET_MEMO } from '../../contract/token-budget';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { workflowBundle } from '../support/workflow-bundle';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping';

const DAY_MS = 24 * 3_600_000;

/**
 * The other half of the budget: the held AI step runs once the next day comes. enrichLead on Temporal's
 * time-skipping test server, its activities stood in for, so the day passes in moments.
 */
describe('daily token budget: the next day', () => {
  let testServer: TimeSkipping;
  const env = () => testServer.env;
  const { codec } = resolvePayloadCodec(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS }));

  before(async () => {
    installRuntime('ERROR');
    testServer = await startTimeSkipping(codec);
  });
  after(async () => {
    await testServer?.stop();
  });

  it('waits for the day the budget check names, looks again, and then scores and delivers the lead', async () => {
    const calls: string[] = [];
    let checks = 0;
    const lead = { leadId: 'l1', site: 'https://example.org/' } as NormalizedLead;
    const llm = { prompt: 'lead_score@1', model: 'm', promptTokens: 10, completionTokens: 10, totalTokens: 20 };
    const activities: Partial<Activities> = {
      normalizeLead: async () => lead,
      checkTokenBudget: async () => {
        calls.push('checkTokenBudget');
        // Past the budget at first: look again tomorrow (in the test server's time).
        checks += 1;
        return checks === 1 ? { spent: 100, retryAt: new Date((await env().currentTimeMs()) + DAY_MS).toISOString() } : { spent: 0, retryAt: null };
      },
      scoreLead: async () => (calls.push('scoreLead'), { intent: 'demo', score: 70, summary: 'Demo.', stage: 'qualified', llm }),
      recordTokenSpend: async ({ tokens }) => (calls.push(`recordTokenSpend:${tokens}`), { spent: tokens }),
      deliverLead: async () => (calls.push('deliverLead'), { outcome: 'delivered' as const, status: 201 }),
    };
    const taskQueue = 'token-budget-next-day';
    const worker = await Worker.create({
      connection: env().nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
      dataConverter: { payloadCodecs: [codec] },
    });
    const startedAt = await env().currentTimeMs();
    const result = await worker.runUntil(
      env().client.workflow.execute(enrichLead, {
        taskQueue,
        workflowId: `budget-${Date.now()}`,
        args: [enrichLeadInputOf(leadSubmittedSchema.parse(sampleEvent('lead.submitted')))],
        memo: { [TOKEN_BUDGET_MEMO]: 50 },
      }),
    );
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(calls, ['checkTokenBudget', 'checkTokenBudget', 'scoreLead', 'recordTokenSpend:20', 'deliverLead']);
    assert.ok((await env().currentTimeMs()) - startedAt >= DAY_MS, 'a day passed in the run\'s time');
  });
});
