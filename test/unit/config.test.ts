import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, requireWebhookSecrets } from '../../src/config/config';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('starts on defaults with the development secret when Temporal is embedded', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8000);
    assert.equal(config.temporal.address, undefined);
    assert.equal(config.temporal.taskQueue, 'wp-ai-relay');
    assert.equal(config.webhook.usingDevSecret, true);
    assert.equal(config.webhook.maxBodyBytes, 256 * 1024);
    assert.ok(config.temporal.retentionDays >= 7);
  });

  it('lets a receiver pointed at a real cluster start only with a secret of its own', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' });
    assert.deepEqual(config.webhook.secrets, [], 'a worker or the CLI needs no secret');
    assert.equal(config.webhook.usingDevSecret, false);
    assert.throws(() => requireWebhookSecrets(config), /WP_RELAY_SECRET: required/);
    assert.doesNotThrow(() => requireWebhookSecrets(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', WP_RELAY_SECRET: 'real-secret-0123456789' })));
  });

  it('retries transient failures for a day by default; ACTIVITY_GIVE_UP_AFTER takes a duration within bounds', () => {
    assert.equal(loadConfig({}).retry.giveUpAfter, '24h');
    assert.equal(loadConfig({ ACTIVITY_GIVE_UP_AFTER: '36h' }).retry.giveUpAfter, '36h');
    for (const bad of ['soon', '10s', '90d']) {
      assert.ok(problems({ ACTIVITY_GIVE_UP_AFTER: bad }).some((p) => p.startsWith('ACTIVITY_GIVE_UP_AFTER')), bad);
    }
    assert.equal(loadConfig({}).worker.shutdownGraceMs, 20_000);
  });

  it('lists every bad variable in one error', () => {
    const found = problems({ PORT: 'eighty', WP_BASE_URL: 'not a url', OPENAI_TIMEOUT_MS: '90000', LOG_LEVEL: 'loud' });
    assert.equal(found.length, 4, found.join('\n'));
    for (const name of ['PORT', 'WP_BASE_URL', 'OPENAI_TIMEOUT_MS', 'LOG_LEVEL']) {
      assert.ok(found.some((p) => p.startsWith(name)), `${name} not reported in ${found.join('; ')}`);
    }
  });

  it('keeps client timeouts below the activity timeouts', () => {
    assert.match(problems({ WP_TIMEOUT_MS: '30000' }).join(), /below the WordPress activity/);
  });

  it('parses rotating secrets and refuses setting both forms', () => {
    const config = loadConfig({ WP_RELAY_SECRETS: 'old:old-secret-0123456789, new:new-secret-0123456789' });
    assert.deepEqual(config.webhook.secrets.map((s) => s.keyId), ['old', 'new']);
    assert.match(
      problems({ WP_RELAY_SECRET: 'one-secret-0123456789', WP_RELAY_SECRETS: 'a:two-secret-0123456789' }).join(),
      /not both/,
    );
  });

  it('never quotes a secret in its error', () => {
    const message = problems({ WP_RELAY_SECRET: 'tooshort' }).join();
    assert.doesNotMatch(message, /tooshort/);
  });

  it('reads secrets from the files their _FILE variables name, and names the file that is missing or empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-config-'));
    try {
      writeFileSync(join(dir, 'webhook-secret'), 'file-secret-0123456789\n');
      writeFileSync(join(dir, 'app-password'), 'abcd efgh ijkl mnop qrst uvwx');
      writeFileSync(join(dir, 'empty'), '\n');
      const config = loadConfig({
        TEMPORAL_ADDRESS: 'temporal:7233',
        WP_RELAY_SECRET_FILE: join(dir, 'webhook-secret'),
        WP_APP_PASSWORD_FILE: join(dir, 'app-password'),
      });
      assert.equal(config.webhook.secrets.length, 1);
      assert.doesNotThrow(() => requireWebhookSecrets(config));
      assert.equal(config.wordpress.appPassword, 'abcd efgh ijkl mnop qrst uvwx');

      const found = problems({
        WP_RELAY_SECRET_FILE: join(dir, 'missing'),
        WP_APP_PASSWORD_FILE: join(dir, 'empty'),
        PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
        PAYLOAD_ENCRYPTION_KEYS_FILE: join(dir, 'webhook-secret'),
      });
      assert.equal(found.length, 3, found.join('\n'));
      assert.match(found.join('\n'), /WP_RELAY_SECRET_FILE: cannot read .*missing \(ENOENT\)/);
      assert.match(found.join('\n'), /WP_APP_PASSWORD_FILE: .*empty is empty/);
      assert.match(found.join('\n'), /PAYLOAD_ENCRYPTION_KEYS_FILE: PAYLOAD_ENCRYPTION_KEYS is set too/);
      assert.doesNotMatch(found.join('\n'), /file-secret/, 'a file\'s content is never quoted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('strips a trailing slash from WP_BASE_URL so paths join cleanly', () => {
    assert.equal(loadConfig({ WP_BASE_URL: 'https://blog.example.org/' }).wordpress.baseUrl, 'https://blog.example.org');
  });
});
