import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { launchChromium, type TestBrowser } from '../support/browser';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { freePort } from '../support/ports';
import { startRelay, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';

const EMAIL = 'grace.hopper@navy.example';

/**
 * The operator's view of an encrypted history: the dev server's Web UI, started with `--ui-codec-endpoint` at the
 * receiver's /codec (as `npm start` does), shows a lead's input decrypted; the history itself stays ciphertext.
 */
describe('the Web UI pointed at the codec server shows a lead decrypted, in headless Chromium', () => {
  let temporal: TestTemporal;
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;
  let chromium: TestBrowser;
  let page: Page;
  let workflowId: string;

  before(async () => {
    const port = await freePort();
    [temporal, llm, crm, chromium] = await Promise.all([
      startTestTemporal({ ui: true, codecEndpoint: `http://127.0.0.1:${port}/codec` }),
      startLlmStub(),
      startCrmStub(),
      launchChromium(),
    ]);
    llm.setDefault({ kind: 'json', value: { intent: 'partnership', score: 71, summary: 'Proposes a partnership.', stage: 'qualified' } });
    relay = await startRelay({
      temporal,
      port,
      env: { OPENAI_BASE_URL: llm.baseURL, CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: crm.secret, CODEC_CORS_ORIGINS: temporal.uiUrl! },
    });
    page = await chromium.context.newPage();
    const event = sampleEvent('lead.submitted', { fields: { email: EMAIL, name: 'Grace', message: 'Let us build a compiler together.' } });
    assert.equal((await sendWebhook(relay.url, event)).body.status, 'accepted');
    workflowId = String(event.idempotency_key);
    await relay.client.workflow.getHandle(workflowId).result();
  });
  after(async () => {
    await chromium?.close();
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close(), temporal?.stop()]);
  });

  test('the run page shows the lead\'s e-mail, which the browser got from /codec/decode', async () => {
    const decodes: number[] = [];
    const seen: string[] = [];
    chromium.context.on('response', (response) => {
      seen.push(`${response.request().method()} ${response.url()} ${response.status()}`);
      if (response.url().includes('/codec/decode')) decodes.push(response.status());
    });
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByRole('heading', { name: workflowId }).waitFor();
    await page.getByText(EMAIL).first().waitFor();
    assert.ok(decodes.length > 0 && decodes.every((s) => s === 200), `decode answers: ${decodes.join(', ')}\n${seen.filter((u) => !/\.(js|css|svg|woff2?)$/.test(u.split(' ')[1] ?? '')).join('\n')}`);
    assert.doesNotMatch(await page.locator('body').innerText(), /binary\/encrypted/);
  });

  test('the codec server refuses a page of another origin', async () => {
    const answer = await fetch(`${relay.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ payloads: [] }),
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });
});
