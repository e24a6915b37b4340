import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NONDETERMINISTIC_EXIT_CODE } from '../../src/cli/replay';
import { ROOT, runCommand, runRelayCli } from './helpers/cli';
import { startOpsStack, type OpsStack } from './helpers/ops-stack';

const INCOMPATIBLE_WORKFLOWS = join(__dirname, 'fixtures/incompatible-workflows');
/** A history recorded once and committed, so a change that breaks old runs fails even if today's runs differ. */
const COMMITTED_HISTORY = join(ROOT, 'test/fixtures/enrich-post-history.json');

describe('`wp-ai-relay replay` checks a downloaded history against the workflow code', () => {
  let stack: OpsStack;
  let dir: string;
  let recorded: string;

  before(async () => {
    [stack, dir] = await Promise.all([startOpsStack(), mkdtemp(join(tmpdir(), 'wp-ai-relay-replay-'))]);
    const workflowId = await stack.publish(await stack.createPost('A post to record'));
    await stack.expectCompleted(workflowId);
    // Downloaded the way an operator does it: the Web UI's Download gives the same JSON.
    const shown = await runCommand('temporal', [
      'workflow', 'show', '--address', stack.temporal.address, '--workflow-id', workflowId, '--output', 'json',
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    recorded = join(dir, 'history.json');
    await writeFile(recorded, shown.stdout);
  });
  after(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a history recorded from a real run (and the committed one, once there) replays on today\'s workflows', async () => {
    for (const history of [recorded, ...(existsSync(COMMITTED_HISTORY) ? [COMMITTED_HISTORY] : [])]) {
      const out = await runRelayCli(['replay', history], stack.cliEnv);
      assert.equal(out.code, 0, `${history}: ${out.stderr}`);
      assert.match(out.stdout, /^compatible: /);
    }
  });

  test('the same history fails, with exit code 3 and a message naming the mismatch, on workflows changed incompatibly', async () => {
    const out = await runRelayCli(['replay', recorded, '--workflows', INCOMPATIBLE_WORKFLOWS], stack.cliEnv);
    assert.equal(out.code, NONDETERMINISTIC_EXIT_CODE, out.stdout + out.stderr);
    assert.match(out.stderr, /NOT compatible/);
    assert.match(out.stderr, /scheduled event 'fetchPost' does not match activity type of activity command 'summarizePost'/);
    assert.match(out.stderr, /patched\(\)/);
  });

  test('a file that is not a history is refused with a clear message', async () => {
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, '{"not": "a history"');
    const out = await runRelayCli(['replay', bogus]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /is not a Temporal history in JSON/);
  });
});
