import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { classifyFailure, HttpStatusError } from '../../../activities/failures';
import { normalizeLead } from '../../../activities/normalize-lead';
import type { DeliverLeadInput, LeadScore } from '../../../contract/leads';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { enrichLead } from '../../../workflows';
import { startWorkflowTestbed, type MockActivities, type WorkflowTestbed } from '../../support/workflow-testbed';

const SCORE: LeadScore = { intent: 'demo', score: 64, summary: 'Asks for a demo.', stage: 'qualified' };
const crmDown = () => classifyFailure('CRM', new HttpStatusError('CRM', 503, null, 'maintenance'));

describe('enrichLead, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  function submit(activities: MockActivities) {
    const event = sampleEvent('lead.submitted', { fields: { email: 'Ada@Example.com', name: 'Ada', message: 'A demo, please.' } });
    return testbed.withWorker(activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof enrichLead>('enrichLead', {
        taskQueue,
        workflowId: event.idempotency_key,
        args: [event as Parameters<typeof enrichLead>[0]],
      });
      return { event, handle, result: await handle.result() };
    });
  }

  it('delivers the lead once through a CRM outage: every attempt carries the one key derived from the event', async () => {
    const deliveries: { attempt: number; input: DeliverLeadInput }[] = [];
    const calls = { normalize: 0, score: 0 };
    const { event, handle, result } = await submit({
      normalizeLead: async (event) => ((calls.normalize += 1), normalizeLead(event)),
      scoreLead: async () => ((calls.score += 1), SCORE),
      deliverLead: async (input) => {
        const { attempt } = Context.current().info;
        deliveries.push({ attempt, input });
        if (attempt < 3) throw crmDown();
        return { outcome: 'delivered', status: 201 };
      },
    });
    assert.deepEqual(
      deliveries.map((d) => [d.attempt, d.input.idempotencyKey]),
      [1, 2, 3].map((attempt) => [attempt, `crm:${event.idempotency_key}`]),
    );
    assert.deepEqual(calls, { normalize: 1, score: 1 }, 'the retry repeats the delivery only: one LLM call');
    const delivered = deliveries[0]!.input;
    assert.equal(delivered.lead.email, 'ada@example.com');
    assert.deepEqual(delivered.score, SCORE);
    assert.equal(delivered.run, `${handle.workflowId}/${handle.firstExecutionRunId}`);
    assert.deepEqual(result, {
      outcome: 'delivered',
      leadId: event.lead_id,
      idempotencyKey: `crm:${event.idempotency_key}`,
      score: 64,
      intent: 'demo',
      stage: 'qualified',
    });
  });

  it('ends already_delivered when the CRM has the record (a reset, or an attempt whose answer was lost)', async () => {
    const { result } = await submit({
      normalizeLead: async (event) => normalizeLead(event),
      scoreLead: async () => SCORE,
      deliverLead: async () => ({ outcome: 'already_delivered', status: 409 }),
    });
    assert.equal(result.outcome, 'already_delivered');
  });
});
