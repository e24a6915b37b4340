import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WpPostIdKey } from '../../contract/search-attributes';
import { startRelay, type Relay } from '../support/relay';
import { runRelayCli } from './helpers/cli';

const SECRETS = 'old:old-secret-0123456789abcdef,new:whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';

describe('`wp-ai-relay send` signs and posts a test event to a running receiver', () => {
  let relay: Relay;

  before(async () => {
    // WP_RELAY_SECRET '' reads as unset, so the rotation pair is the receiver's only secrets.
    relay = await startRelay({ worker: false, env: { WP_RELAY_SECRET: '', WP_RELAY_SECRETS: SECRETS } });
  });
  after(async () => {
    await relay?.stop();
  });

  const send = (args: string[]) => runRelayCli(['send', ...args, '--url', relay.url], { WP_RELAY_SECRETS: SECRETS });

  async function startedWorkflow(stdout: string): Promise<{ workflowId: string; postId: unknown }> {
    const body = JSON.parse(stdout.split('\n')[1] ?? '') as { status: string; workflowId: string };
    assert.equal(body.status, 'accepted');
    const description = await relay.client.workflow.getHandle(body.workflowId).describe();
    return { workflowId: body.workflowId, postId: description.typedSearchAttributes.get(WpPostIdKey) };
  }

  test('the WordPress scheme with the first secret, fields given as field=value', async () => {
    const out = await send(['post.published', 'post_id=42', 'title=From the CLI']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /^202 /);
    assert.equal((await startedWorkflow(out.stdout)).postId, 42);
  });

  test('the Standard Webhooks scheme with a chosen key id', async () => {
    const out = await send(['post.published', 'post_id=43', '--scheme', 'standard', '--key-id', 'new']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.equal((await startedWorkflow(out.stdout)).postId, 43);
  });

  test('a receiver that refuses the event makes send exit 1 with the answer printed', async () => {
    const out = await send(['post.published', 'post_id="not a number"']);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /^400 /);
    assert.match(out.stdout, /invalid_payload/);
  });

  test('an unknown key id or event is refused before anything is sent', async () => {
    const key = await send(['post.published', '--key-id', 'nope']);
    assert.equal(key.code, 1);
    assert.match(key.stderr, /no secret with key id "nope".*known: old, new/);
    const event = await send(['post.deleted']);
    assert.equal(event.code, 2);
    assert.match(event.stderr, /unknown or missing event; one of post\.published/);
  });
});
