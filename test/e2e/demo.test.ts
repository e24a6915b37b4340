import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommand } from '../ops/helpers/cli';

/** `npm run demo`, the README's first experience: the whole loop, a summary written back and a comment moderated. */
describe('npm run demo', () => {
  it('publishes a post, writes its summary back, and moderates a first comment with its verdict shown', async () => {
    const out = await runCommand('npm', ['run', '--silent', 'demo', '--', '--once'], {});
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /Summary written back to post \d+:/);
    assert.match(out.stdout, /verdict spam \(confidence 0\.97\) → comment is now spam/);
    assert.match(out.stdout, /Comments, with the AI verdicts: +http:\/\/127\.0\.0\.1:\d+\/wp-admin\/edit-comments\.php/);
  });
});
