import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spentTokensQuery, tokenBudgetId } from '../../contract/token-budget';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { enrichLead } from '../../workflows';
import { eventually } from '../support/eventually';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, type Relay } from '../support/relay';
import { sendWebhook } from '../support/webhook';

const SCORE = { intent: 'demo', score: 70, summary: 'Wants a demo.', stage: 'qualified' };

/**
 * TOKEN_BUDGET_PER_DAY on a real Temporal: a site past its day's budget has its next AI step wait on a durable timer
 * until the next UTC day (the run stays Running, nothing is spent, nothing fails); another site is not held back.
 * The stand-in reports 20 tokens per call, the budget is 15: one call puts a site past it.
 */
describe('daily token budget per site', () => {
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;

  before(async () => {
    [llm, crm] = await Promise.all([startLlmStub(), startCrmStub()]);
    llm.setDefault({ kind: 'json', value: SCORE });
    relay = await startRelay({
      env: { OPENAI_BASE_URL: llm.baseURL, CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: crm.secret, TOKEN_BUDGET_PER_DAY: '15' },
    });
  });
  after(async () => {
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close()]);
  });

  async function submit(site: string) {
    const event = sampleEvent('lead.submitted', { site });
    assert.equal((await sendWebhook(relay.url, event)).status, 202);
    return relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key));
  }

  it('counts a site\'s tokens, then makes its next AI step wait for the next day instead of spending', async () => {
    const site = 'https://budget.example/';
    const first = await (await submit(site)).result();
    assert.equal(first.llm?.totalTokens, 20);
    const day = new Date().toISOString().slice(0, 10);
    const spent = await relay.client.workflow.getHandle(tokenBudgetId(site, day)).query(spentTokensQuery);
    assert.equal(spent, 20);

    const calls = llm.requests.length;
    const held = await submit(site);
    const timer = await eventually(async () => {
      const history = await held.fetchHistory();
      return history.events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes ?? undefined;
    }, 'the held run\'s timer');
    const firesAt = Date.now() + Number(timer.startToFireTimeout?.seconds ?? 0) * 1000;
    const nextDay = Date.parse(day) + 24 * 3_600_000;
    assert.ok(Math.abs(firesAt - nextDay) < 60_000, `the timer fires at the next UTC day (${new Date(firesAt).toISOString()})`);
    assert.equal((await held.describe()).status.name, 'RUNNING');
    const scheduled = (await held.fetchHistory()).events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(scheduled, ['normalizeLead', 'checkTokenBudget'], 'no scoreLead while the site is past its budget');
    assert.equal(llm.requests.length, calls, 'nothing spent');

    // Another site has a budget of its own.
    const other = await (await submit('https://other-budget.example/')).result();
    assert.equal(other.outcome, 'delivered');
    await held.terminate('test over');
  });
});
