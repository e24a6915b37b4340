import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Postgres } from '../../tools/cluster/postgres';
import { dynamicConfigFile, writeServerConfig, type ClusterPorts } from '../../tools/cluster/server-config';
import { NUM_HISTORY_SHARDS } from '../../tools/cluster/tuning';

const dir = mkdtempSync(join(tmpdir(), 'cluster-tuning-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const postgres = { port: 5432, user: 'temporal', password: 'pw' } as Postgres;
const service = { grpc: 7233, membership: 6933 };
const ports: ClusterPorts = { services: { frontend: service, history: service, matching: service, worker: service }, frontendHttp: 7243 };
const written = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { persistence: { numHistoryShards: number }; dynamicConfigClient: { filepath: string } };

describe("the cluster harness's tuning levers (one departure per bench run)", () => {
  it('keeps the shared dynamic config and tuning.ts when no lever is given', () => {
    const file = join(dir, 'plain.yaml');
    writeServerConfig(file, postgres, ports);
    assert.equal(written(file).persistence.numHistoryShards, NUM_HISTORY_SHARDS);
    assert.equal(written(file).dynamicConfigClient.filepath, dynamicConfigFile());
  });

  it('writes the shard count, and the shared dynamic config with the added keys beside the server config', () => {
    const file = join(dir, 'tuned.yaml');
    writeServerConfig(file, postgres, ports, { historyShards: 16, dynamicConfig: { 'matching.numTaskqueueReadPartitions': '1' } });
    const config = written(file);
    assert.equal(config.persistence.numHistoryShards, 16);
    assert.equal(config.dynamicConfigClient.filepath, join(dir, 'dynamic-config.yaml'));
    const dynamic = readFileSync(config.dynamicConfigClient.filepath, 'utf8');
    assert.ok(dynamic.startsWith(readFileSync(dynamicConfigFile(), 'utf8')));
    assert.match(dynamic, /^matching\.numTaskqueueReadPartitions:\n {2}- value: 1$/m);
  });

  it('refuses a key the shared file sets already, rather than measuring a silently changed value', () => {
    assert.throws(
      () => writeServerConfig(join(dir, 'clash.yaml'), postgres, ports, { dynamicConfig: { 'system.namespaceCacheRefreshInterval': '1s' } }),
      /is set in .*dynamic-config\.yaml already: change it there/,
    );
  });
});
