import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UsageRow } from '../../src/cli/token-usage';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { enrichLead } from '../../workflows';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, TEST_PAYLOAD_KEYS, type Relay } from '../support/relay';
import { sendWebhook } from '../support/webhook';
import { runRelayCli } from './helpers/cli';

const SCORE = { intent: 'demo', score: 70, summary: 'Wants a demo.', stage: 'qualified' };

/**
 * `relay usage` reads the `llm` record each AI activity keeps in its result from real, encrypted histories:
 * three leads scored through the stand-in (10 prompt + 10 completion tokens each) on two sites.
 */
describe('relay usage', () => {
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;
  let dir: string;
  const days = new Set<string>();

  before(async () => {
    [llm, crm] = await Promise.all([startLlmStub(), startCrmStub()]);
    llm.setDefault({ kind: 'json', value: SCORE });
    relay = await startRelay({ env: { OPENAI_BASE_URL: llm.baseURL, CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: crm.secret } });
    dir = mkdtempSync(join(tmpdir(), 'relay-usage-'));
    days.add(new Date().toISOString().slice(0, 10));
    for (const site of ['https://a.example/', 'https://a.example/', 'https://b.example/']) {
      const event = sampleEvent('lead.submitted', { site });
      const answer = await sendWebhook(relay.url, event);
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      await relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key)).result();
    }
    days.add(new Date().toISOString().slice(0, 10));
  });
  after(async () => {
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cliEnv = () => ({
    TEMPORAL_ADDRESS: relay.temporal.address,
    TEMPORAL_NAMESPACE: relay.config.temporal.namespace,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
  });

  it('sums tokens per site, day and model, and prices them per million tokens', async () => {
    const model = llm.requests[0]!.model;
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ [model]: { prompt: 2, completion: 8 } }));
    const out = await runRelayCli(['usage', '--json', '--since', '1h', '--prices', prices], cliEnv());
    assert.equal(out.code, 0, out.stderr);
    const { rows } = JSON.parse(out.stdout) as { rows: UsageRow[] };
    for (const row of rows) assert.ok(days.has(row.day), `${row.day} is a day the leads were scored on`);
    const bySite = (site: string) => {
      const of = rows.filter((r) => r.site === site);
      assert.ok(of.every((r) => r.model === model));
      const sum = (pick: (r: UsageRow) => number) => of.reduce((total, r) => total + pick(r), 0);
      return { calls: sum((r) => r.calls), prompt: sum((r) => r.promptTokens), completion: sum((r) => r.completionTokens), total: sum((r) => r.totalTokens), cost: sum((r) => r.cost!) };
    };
    assert.deepEqual(bySite('https://a.example/'), { calls: 2, prompt: 20, completion: 20, total: 40, cost: (20 * 2 + 20 * 8) / 1e6 });
    assert.deepEqual(bySite('https://b.example/'), { calls: 1, prompt: 10, completion: 10, total: 20, cost: (10 * 2 + 10 * 8) / 1e6 });
  });

  it('keeps to one site when asked, and prints a table', async () => {
    const out = await runRelayCli(['usage', '--site', 'https://b.example/'], cliEnv());
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^site +day +model +calls +prompt +completion +total +cost \(USD\)$/m);
    assert.match(out.stdout, /^https:\/\/b\.example\/ +\d{4}-\d{2}-\d{2} +\S+ +1 +10 +10 +20 +-$/m);
    assert.doesNotMatch(out.stdout, /a\.example/);
  });
});
