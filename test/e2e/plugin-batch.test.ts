import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { batchRequestedSchema } from '../../contract/events';
import type { batchEnrich } from '../../workflows';
import { batchWorkflowId } from '../../contract/workflow-ids';
import { TEST_SECRET } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { pluginLogLines, readOutbox } from '../../tools/wordpress';
import { seedArchive } from '../support/archive';

/** The settings page's Archive section: coverage counted by WordPress, and "Summarise archive now". */
describe('Summarise archive now, from the settings page', () => {
  let stack: Stack;
  let cookie: string;
  const settingsUrl = () => `${stack.wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`;

  before(async () => {
    stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    await stack.wp.setOptions({
      ai_relay_endpoint: `${stack.relay.url}/webhooks/wp`,
      ai_relay_allow_private: true,
      ai_relay_events: ['batch.requested'],
    });
    cookie = await stack.wp.login();
  });
  after(() => stack?.stop());

  const page = async () => (await fetch(settingsUrl(), { headers: { cookie } })).text();
  const coverage = (html: string) => /(\d+) of (\d+) published posts have a summary of their current content/.exec(html)?.slice(1).map(Number);

  test('the button sends one batch request, the batch summarises the archive, and the page counts it', async () => {
    await seedArchive(stack.wp, 'Owner', { upToDate: 5, stale: 5, missing: 10 });
    const before = await page();
    // The fresh site's own sample post counts as published without a summary.
    assert.deepEqual(coverage(before), [5, 21], 'the hash WordPress recomputes in SQL matches the relay’s');

    const form = /<input type="hidden" name="action" value="ai_relay_batch_now">(.*?)<\/form>/.exec(before)?.[1] ?? '';
    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(form)?.[1];
    assert.ok(nonce, 'the button’s form carries a nonce');

    const forged = await fetch(`${stack.wp.baseUrl}/wp-admin/admin-post.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'ai_relay_batch_now', _wpnonce: 'forged' }),
      redirect: 'manual',
    });
    assert.equal(forged.status, 403, 'no batch without a valid nonce');
    assert.equal((await readOutbox(stack.wp)).length, 0);

    const clicked = await fetch(`${stack.wp.baseUrl}/wp-admin/admin-post.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', referer: settingsUrl() },
      body: new URLSearchParams({ action: 'ai_relay_batch_now', _wpnonce: nonce }),
      redirect: 'manual',
    });
    assert.equal(clicked.status, 302);
    const [row] = await readOutbox(stack.wp);
    assert.deepEqual([row?.event, row?.status, row?.last_http_status], ['batch.requested', 'delivered', 202]);
    const event = batchRequestedSchema.parse(JSON.parse(row!.body));

    const result = await stack.relay.client.workflow.getHandle<typeof batchEnrich>(batchWorkflowId(event.site)).result();
    assert.deepEqual([result.status, result.done, result.skipped, result.failed], ['completed', 16, 5, 0]);
    const after = await page();
    assert.deepEqual(coverage(after), [21, 21]);
    assert.match(after, /Last batch request: [\d-]+ [\d:]+, delivered \(accepted\)/);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(stack.wp), []);
  });
});
