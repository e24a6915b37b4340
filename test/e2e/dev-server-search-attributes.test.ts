import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DYNAMIC_CONFIG, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { WpCommentIdKey, WpEventKey, WpPostIdKey, WpSiteKey } from '../../contract/search-attributes';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';

/**
 * The embedded dev server runs with the CLI's forced search-attribute cache refresh turned off (DEFAULT_DYNAMIC_CONFIG,
 * a throughput lever). What that must not cost: the relay's attributes, registered at launch, are usable by the
 * very first start after the server is ready, and stay indexed as registered.
 */
describe('embedded dev server: search attributes without the forced cache refresh', () => {
  // The dev server itself, whatever TEST_TEMPORAL selects for the other suites: this is about its own settings.
  let temporal: DevServer;
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-sa-'));
  let connection: Connection;
  let client: Client;

  before(async () => {
    temporal = await startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal.db'), namespace: 'default', retentionDays: 1 });
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection });
  });

  after(async () => {
    await connection?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs with the setting, and the first start after ready carries every relay attribute, findable by it', async () => {
    const args = temporal.process.spawnargs.join(' ');
    for (const setting of DEFAULT_DYNAMIC_CONFIG) assert.ok(args.includes(`--dynamic-config-value ${setting}`), args);

    const workflowId = `sa-first-start-${randomUUID()}`;
    const handle = await client.workflow.start('enrichPost', {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId,
      args: [],
      typedSearchAttributes: [
        { key: WpEventKey, value: 'post.published' },
        { key: WpSiteKey, value: 'https://example.org/' },
        { key: WpPostIdKey, value: 42 },
        { key: WpCommentIdKey, value: 7 },
      ],
    });
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(WpEventKey), 'post.published');
    assert.equal(description.typedSearchAttributes.get(WpPostIdKey), 42);
    assert.equal(description.typedSearchAttributes.get(WpCommentIdKey), 7);

    // Visibility indexes it under the registered names (Int compares as a number).
    const count = async () => (await client.workflow.count(`WorkflowId = "${workflowId}" AND WpPostId = 42 AND WpSite = "https://example.org/"`)).count;
    await eventually(async () => ((await count()) > 0 || undefined), 'the run in visibility');
    assert.equal(await count(), 1);
    await handle.terminate('test done');
  });
});
