import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { classifyFailure, HttpStatusError } from '../../../activities/failures';
import { normalizeLead } from '../../../activities/normalize-lead';
import { leadSubmittedSchema } from '../../../contract/events';
import type { DeliverLeadInput, EnrichLeadInput, LeadScore } from '../../../contract/leads';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { enrichLead } from '../../../workflows';
import { startWorkflowTestbed, type MockActivities, type WorkflowTestbed } from '../../support/workflow-testbed';

const SCORE: LeadScore = { intent: 'demo', score: 64, summary: 'Asks for a demo.', stage: 'qualified' };
const crmDown = () => classifyFailure('CRM', new HttpStatusError('CRM', 503, null, 'maintenance'));

describe('enrichLead, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  const FIELDS = { email: 'Ada@Example.com', name: 'Ada', message: 'A demo, please.' };

  function submit(
    activities: MockActivities,
    input: Parameters<typeof enrichLead>[0] = {
      eventKey: `lead.submitted:${randomUUID()}`,
      lead: { leadId: randomUUID(), site: 'https://example.org/', submittedAt: '2026-12-04T10:00:00Z', source: 'contact form', fields: FIELDS },
    },
  ) {
    const workflowId = 'event' in input ? input.idempotency_key : input.eventKey;
    return testbed.withWorker(activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof enrichLead>('enrichLead', { taskQueue, workflowId, args: [input] });
      return { handle, result: await handle.result() };
    });
  }

  it('delivers the lead once through a CRM outage: every attempt carries the one key derived from the event', async () => {
    const deliveries: { attempt: number; input: DeliverLeadInput }[] = [];
    const calls = { normalize: 0, score: 0 };
    const input: EnrichLeadInput = {
      eventKey: `lead.submitted:${randomUUID()}`,
      lead: { leadId: 'lead-7', site: 'https://example.org/', submittedAt: '2026-12-04T10:00:00Z', fields: FIELDS },
    };
    const { handle, result } = await submit(
      {
        normalizeLead: async (lead) => ((calls.normalize += 1), normalizeLead(lead)),
        scoreLead: async () => ((calls.score += 1), SCORE),
        deliverLead: async (input) => {
          const { attempt } = Context.current().info;
          deliveries.push({ attempt, input });
          if (attempt < 3) throw crmDown();
          return { outcome: 'delivered', status: 201 };
        },
      },
      input,
    );
    assert.deepEqual(
      deliveries.map((d) => [d.attempt, d.input.idempotencyKey]),
      [1, 2, 3].map((attempt) => [attempt, `crm:${input.eventKey}`]),
    );
    assert.deepEqual(calls, { normalize: 1, score: 1 }, 'the retry repeats the delivery only: one LLM call');
    const delivered = deliveries[0]!.input;
    assert.equal(delivered.lead.email, 'ada@example.com');
    assert.deepEqual(delivered.score, SCORE);
    assert.equal(delivered.run, `${handle.workflowId}/${handle.firstExecutionRunId}`);
    assert.deepEqual(result, {
      outcome: 'delivered',
      leadId: 'lead-7',
      idempotencyKey: `crm:${input.eventKey}`,
      score: 64,
      intent: 'demo',
      stage: 'qualified',
    });
  });

  it('ends already_delivered when the CRM has the record (a reset, or an attempt whose answer was lost)', async () => {
    const { result } = await submit({
      normalizeLead: async (lead) => normalizeLead(lead),
      scoreLead: async () => SCORE,
      deliverLead: async () => ({ outcome: 'already_delivered', status: 409 }),
    });
    assert.equal(result.outcome, 'already_delivered');
  });

  it('still takes the lead.submitted event that runs started before it had an input of its own were given', async () => {
    const event = leadSubmittedSchema.parse(sampleEvent('lead.submitted', { fields: FIELDS }));
    const delivered: DeliverLeadInput[] = [];
    const { result } = await submit(
      {
        normalizeLead: async (lead) => normalizeLead(lead),
        scoreLead: async () => SCORE,
        deliverLead: async (input) => (delivered.push(input), { outcome: 'delivered', status: 201 }),
      },
      event,
    );
    assert.deepEqual(
      [delivered.length, delivered[0]?.idempotencyKey, delivered[0]?.lead.leadId, delivered[0]?.lead.email, delivered[0]?.lead.source],
      [1, `crm:${event.idempotency_key}`, event.lead_id, 'ada@example.com', 'contact form'],
    );
    assert.equal(result.idempotencyKey, `crm:${event.idempotency_key}`);
  });
});
