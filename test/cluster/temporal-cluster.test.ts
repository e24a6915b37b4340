import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { TemporalCluster } from '../../tools/cluster/cluster';
import { SERVICES } from '../../tools/cluster/server-config';
import { NUM_HISTORY_SHARDS } from '../../tools/cluster/tuning';
import { checkReadiness } from '../../src/temporal/readiness';
import { SEARCH_ATTRIBUTES, WpPostIdKey } from '../../contract/search-attributes';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { eventually } from '../support/eventually';
import { startRelay, type Relay } from '../support/relay';
import { clusterAsTestTemporal, startClusterForTests } from '../support/temporal';
import { sendWebhook } from '../support/webhook';

const { IndexedValueType } = proto.api.enums.v1;

/**
 * The production shape the cluster subset runs on, checked on its own: PostgreSQL, the Temporal server 1.32 as four
 * separate service processes, the namespace and search attributes, and what survives a killed history service and
 * a restart of everything. enrichPost runs without WordPress configured, so each run ends Failed (MissingConfig)
 * after a real activity attempt: workflow task, activity task and visibility all go through every service.
 */
describe('the Temporal cluster harness (PostgreSQL, services as separate processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-cluster-'));
  let cluster: TemporalCluster;
  let relay: Relay;

  before(async () => {
    cluster = await startClusterForTests(dir, 'separate');
    relay = await startRelay({ temporal: await clusterAsTestTemporal(cluster) });
  });
  after(async () => {
    await relay?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runToFailure(postId: number): Promise<string> {
    const event = sampleEvent('post.published', { post_id: postId });
    const answer = await sendWebhook(relay.url, event);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'accepted');
    const error = await relay.client.workflow.getHandle(event.idempotency_key).result().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WorkflowFailedError, String(error));
    return event.idempotency_key;
  }

  it('runs frontend, history, matching and worker as four processes, and /readyz checks pass', async () => {
    const pids = SERVICES.map((service) => cluster.process(service)?.pid);
    assert.equal(new Set(pids).size, 4, String(pids));
    assert.ok(pids.every((pid) => pid !== undefined));
    assert.deepEqual(await checkReadiness(relay.client, 'default'), { status: 'ready' });
    assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
  });

  it('registers the namespace with 7 days of retention and every search attribute with its type', async () => {
    const { config } = await relay.client.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(Number(config?.workflowExecutionRetentionTtl?.seconds), 7 * 24 * 3600);
    const { customAttributes } = await relay.client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      assert.equal(customAttributes?.[name], IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as keyof typeof IndexedValueType], name);
    }
  });

  it('keeps PostgreSQL durable and the schemas and shard count in place', async () => {
    assert.equal(await cluster.queryPostgres('SHOW fsync'), 'on');
    assert.equal(await cluster.queryPostgres('SHOW synchronous_commit'), 'on');
    assert.equal(await cluster.queryPostgres('SHOW listen_addresses'), '127.0.0.1');
    assert.equal(await cluster.queryPostgres('SELECT count(*) FROM shards', 'temporal'), String(NUM_HISTORY_SHARDS));
    const versions = await cluster.queryPostgres('SELECT curr_version FROM schema_version', 'temporal_visibility');
    assert.match(versions, /^1\.\d+$/);
  });

  it('a run goes through every service and is found by its search attribute in PostgreSQL visibility', async () => {
    const workflowId = await runToFailure(4101);
    const query = `${WpPostIdKey.name} = 4101`;
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const run of relay.client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.length > 0 ? ids : undefined;
    }, 'the run in PostgreSQL visibility');
    assert.deepEqual(found, [workflowId]);
  });

  it('history killed (SIGKILL) and restarted: earlier keys stay duplicates and new runs complete', async () => {
    const before = await runToFailure(4102);
    const historyPid = cluster.process('history')?.pid;
    await cluster.kill('history');
    await cluster.restart('history');
    assert.notEqual(cluster.process('history')?.pid, historyPid);
    // The frontend has to see the new history host in its ring: until then the sender's retries get 503.
    const again = await eventually(async () => {
      const answer = await sendWebhook(relay.url, sampleEvent('post.published', { post_id: 4102, idempotency_key: before }));
      return answer.status === 503 ? undefined : answer;
    }, 'an answer once history is back');
    assert.equal(again.body.status, 'duplicate', JSON.stringify(again.body));
    await runToFailure(4103);
  });

  it('restart() of the whole cluster (PostgreSQL included) keeps every run and answers a second start of its key duplicate', async () => {
    const before = await runToFailure(4104);
    await cluster.restart();
    const description = await relay.client.workflow.getHandle(before).describe();
    assert.equal(description.status.name, 'FAILED');
    const again = await sendWebhook(relay.url, sampleEvent('post.published', { post_id: 4104, idempotency_key: before }));
    assert.equal(again.body.status, 'duplicate', JSON.stringify(again.body));
    await runToFailure(4105);
  });
});
