import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { eventually } from '../support/eventually';
import { npmStartEnv, startNpmStart as startRelay } from '../support/npm-start';
import { descendants, isRunning } from '../support/process-tree';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runCommand } from './helpers/cli';

/**
 * `npm start` as a newcomer runs it: through npm, in its own process, with only the environment given. Start-up is
 * a transaction (every problem at once, before anything spawns; nothing left running when it fails), "ready" is
 * printed only when /readyz would say so, and a signal to npm itself stops the whole tree.
 */
describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-npm-start-'));
  const spawnMarker = join(dir, 'temporal-was-run');
  // A TEMPORAL_CLI_PATH that only records being run: a check that comes "before anything spawns" leaves no marker.
  const recordingCli = join(dir, 'recording-temporal');
  let temporal: TestTemporal;

  before(async () => {
    writeFileSync(recordingCli, `#!/bin/sh\ntouch '${spawnMarker}'\nexit 1\n`);
    chmodSync(recordingCli, 0o755);
    temporal = await startTestTemporal();
  });
  after(async () => {
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const baseEnv = async (): Promise<Record<string, string>> => ({
    ...(await npmStartEnv()),
    TEMPORAL_DEV_DB_FILE: join(mkdtempSync(join(dir, 'db-')), 'temporal.db'),
    PAYLOAD_KEY_FILE: join(dir, 'payload-keys'),
  });
  const npmStart = async (env: Record<string, string>) => runCommand('npm', ['start', '--silent'], env);

  it('lists every configuration problem in one message, one line each, before anything is spawned', async () => {
    const result = await npmStart({
      ...(await baseEnv()),
      TEMPORAL_CLI_PATH: recordingCli,
      PORT: 'abc',
      OPENAI_BASE_URL: 'localhost:11434/v1',
      PAYLOAD_ENCRYPTION_KEYS: 'not-a-key',
      WP_RELAY_SECRET: 'short',
    });
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /^Invalid configuration/);
    assert.ok(lines.includes('  - PORT must be a port number (0-65535), not "abc"'), result.stderr);
    assert.ok(
      lines.includes('  - OPENAI_BASE_URL must start with http:// or https:// — did you mean http://localhost:11434/v1?'),
      result.stderr,
    );
    assert.ok(lines.some((l) => l.startsWith('  - PAYLOAD_ENCRYPTION_KEYS')), result.stderr);
    assert.ok(lines.some((l) => l.startsWith('  - WP_RELAY_SECRET')), result.stderr);
    assert.equal(lines.length, 5, `one header and four problems, no stack:\n${result.stderr}`);
    assert.equal(existsSync(spawnMarker), false, 'the Temporal CLI was run before the configuration was checked');
  });

  it('refuses a taken PORT with one line naming the variable and the process holding it, and spawns nothing', async () => {
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      const result = await npmStart({ ...(await baseEnv()), TEMPORAL_CLI_PATH: recordingCli, HOST: '127.0.0.1', PORT: String(port) });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`PORT ${port} is in use by pid ${process.pid} \\(.*\\): stop it, or set PORT to a free port`));
      assert.doesNotMatch(result.stderr, /EADDRINUSE|\n\s+at /);
      assert.equal(existsSync(spawnMarker), false);
    } finally {
      holder.close();
    }
  });

  it('does not adopt a Temporal it did not start on its dev port: it refuses, saying how to use it on purpose', async () => {
    const devPort = temporal.address.split(':').pop()!;
    const result = await npmStart({ ...(await baseEnv()), TEMPORAL_DEV_PORT: devPort });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`TEMPORAL_DEV_PORT ${devPort} is in use by pid \\d+ \\(.*temporal.*\\), a Temporal this relay did not start`));
    assert.match(result.stderr, new RegExp(`TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${devPort}`));
  });

  it('names TEMPORAL_ADDRESS in one line when it does not answer', async () => {
    const nowhere = await freePort();
    const result = await npmStart({
      ...(await baseEnv()),
      TEMPORAL_ADDRESS: `127.0.0.1:${nowhere}`,
      WP_RELAY_SECRET: 'a-real-secret-0123456789',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`cannot reach Temporal at 127\\.0\\.0\\.1:${nowhere} \\(TEMPORAL_ADDRESS\\)`));
  });

  it('says "not ready" instead of "ready" against a namespace without the search attributes, each fix once', async () => {
    const connection = await Connection.connect({ address: temporal.address });
    await connection.workflowService.registerNamespace({ namespace: 'bare', workflowExecutionRetentionPeriod: msToTs('1 day') });
    // The event this waits for: the frontend knows the new namespace, so the only problem left is the attributes.
    await eventually(
      () => connection.operatorService.listSearchAttributes({ namespace: 'bare' }).then(() => true, () => undefined),
      'the frontend to know namespace bare',
    );
    await connection.close();
    const relay = startRelay({
      ...(await baseEnv()),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'bare',
      WP_RELAY_SECRET: 'a-real-secret-0123456789',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    try {
      const banner = await relay.banner;
      assert.doesNotMatch(banner, /ready in/);
      assert.match(banner, /^wp-ai-relay not ready/);
      for (const name of ['WpEvent', 'WpSite', 'WpPostId', 'WpCommentId']) {
        const fixes = banner.match(new RegExp(`search-attribute create --name ${name} `, 'g')) ?? [];
        assert.equal(fixes.length, 1, `the fix for ${name} once:\n${banner}`);
      }
    } finally {
      await relay.stop('SIGTERM');
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm's own process stops every process of the tree, the embedded Temporal included`, async () => {
      const relay = startRelay(await baseEnv());
      const banner = await relay.banner;
      assert.match(banner, /^wp-ai-relay ready in/);
      const tree = descendants(relay.child.pid!);
      assert.ok(tree.some((p) => /temporal.* server start-dev/.test(p.command)), JSON.stringify(tree));
      const code = await relay.stop(signal);
      assert.equal(code, 0, `npm exits cleanly on ${signal}`);
      const left = tree.filter((p) => isRunning(p.pid));
      assert.deepEqual(left, [], `left running after ${signal}`);
    });
  }

  it('stops the Temporal it started when a signal arrives during start-up', async () => {
    const relay = startRelay(await baseEnv());
    // The event this waits for: the dev server has been spawned (and may or may not be answering yet).
    const tree = await eventually(() => {
      const found = descendants(relay.child.pid!);
      return found.some((p) => /temporal.* server start-dev/.test(p.command)) ? found : undefined;
    }, 'npm start to spawn the Temporal dev server');
    await relay.stop('SIGTERM');
    assert.deepEqual(tree.filter((p) => isRunning(p.pid)), [], 'left running after SIGTERM during start-up');
  });
});
