import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { elapse, pluginLogLines, readOutbox, type WordPress } from '../../tools/wordpress';

describe('an event the receiver refuses', () => {
  let stack: Stack;
  let wp: WordPress;
  let relay: Relay;

  before(async () => {
    stack = await startStack();
    ({ wp, relay } = stack);
    await wp.setOptions({
      ai_relay_endpoint: `${relay.url}/webhooks/wp`,
      ai_relay_allow_private: true,
      ai_relay_secret: 'not-the-relay-secret-0123',
    });
  });
  after(() => stack?.stop());

  let key: string;

  test('a 401 is not retried, and the admin sees the event as failed', async () => {
    const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Wrong secret', content: 'x', status: 'publish' }) });
    assert.equal(created.status, 201);
    let [row] = await readOutbox(wp);
    assert.ok(row);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['failed', 1, 401]);
    key = row.idempotency_key;

    await elapse(wp, 86400);
    [row] = await readOutbox(wp);
    assert.equal(row?.attempts, 1);

    const cookie = await wp.login();
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    const line = new RegExp(`<tr class="ai-relay-status-failed" data-key="${key}">(.*?)</tr>`).exec(page)?.[1] ?? '';
    assert.match(line, /<strong>Failed<\/strong>/);
    assert.match(line, /HTTP 401/);
    assert.match(line, />Retry<\/button>/);
    const dashboard = await (await fetch(`${wp.baseUrl}/wp-admin/`, { headers: { cookie } })).text();
    assert.match(dashboard, /AI Relay: 1 event could not be delivered\./);
  });

  test('once the secret is fixed, Retry in the admin delivers the failed event under its key', async () => {
    await wp.setOptions({ ai_relay_secret: TEST_SECRET });
    const cookie = await wp.login();
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    const form = /<form method="post" action="[^"]*admin-post\.php"><input type="hidden" name="action" value="ai_relay_retry">(.*?)<\/form>/.exec(page)?.[1] ?? '';
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    assert.ok(fields._wpnonce, 'the retry form carries a nonce');

    const forged = await fetch(`${wp.baseUrl}/wp-admin/admin-post.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'ai_relay_retry', id: fields.id ?? '', _wpnonce: 'forged' }),
      redirect: 'manual',
    });
    assert.equal(forged.status, 403, 'a retry without a valid nonce is refused');
    assert.equal((await readOutbox(wp))[0]?.status, 'failed');

    const retried = await fetch(`${wp.baseUrl}/wp-admin/admin-post.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', referer: `${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay` },
      body: new URLSearchParams({ action: 'ai_relay_retry', ...fields }),
      redirect: 'manual',
    });
    assert.equal(retried.status, 302);
    const [row] = await readOutbox(wp);
    assert.deepEqual([row?.idempotency_key, row?.status, row?.last_http_status], [key, 'delivered', 202]);
    assert.equal((await relay.client.workflow.getHandle(key).result()).outcome, 'summarized');
    const dashboard = await (await fetch(`${wp.baseUrl}/wp-admin/`, { headers: { cookie } })).text();
    assert.doesNotMatch(dashboard, /could not be delivered/);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
