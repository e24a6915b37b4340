import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';

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

  it('requires a secret of its own when pointed at a real cluster', () => {
    assert.match(problems({ TEMPORAL_ADDRESS: 'temporal:7233' }).join('\n'), /WP_RELAY_SECRET: required/);
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

  it('strips a trailing slash from WP_BASE_URL so paths join cleanly', () => {
    assert.equal(loadConfig({ WP_BASE_URL: 'https://blog.example.org/' }).wordpress.baseUrl, 'https://blog.example.org');
  });
});
