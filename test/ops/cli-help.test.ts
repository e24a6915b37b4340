import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliName } from '../../src/config/config';
import { runRelayCli } from './helpers/cli';

describe('the CLI explains itself', () => {
  for (const command of ['send', 'failed', 'stuck', 'check', 'reset', 'replay', 'schedule']) {
    it(`\`${command} --help\` prints its usage and exits 0`, async () => {
      const out = await runRelayCli([command, '--help']);
      assert.equal(out.code, 0, out.stdout + out.stderr);
      assert.match(out.stdout, new RegExp(`^usage: wp-ai-relay ${command}\\b`, 'm'));
      assert.equal(out.stderr, '');
    });
  }

  it('`send --help` documents --key, the way to send the same event twice', async () => {
    assert.match((await runRelayCli(['send', '-h'])).stdout, /--key KEY/);
  });

  it('suggests `npm run relay --` from the repository and `wp-ai-relay` when installed', () => {
    assert.equal(cliName({ npm_lifecycle_event: 'relay' }), 'npm run relay --');
    assert.equal(cliName({}), 'wp-ai-relay');
  });
});
