import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually';
import { runCommand, runRelayCli } from './helpers/cli';
import { startOpsStack, type OpsStack } from './helpers/ops-stack';

/**
 * tctl is end-of-support but operators still run it. scripts/setup-debian.sh tries `go install ...tctl@v1.18.4`
 * into $(go env GOPATH)/bin; TCTL_PATH points elsewhere. Where no registry serves tctl, its test says so and is
 * skipped rather than pretending: the other three reset paths still run.
 */
function findTctl(): string | undefined {
  if (process.env.TCTL_PATH) return process.env.TCTL_PATH;
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'tctl')).find((p) => existsSync(p));
  if (onPath) return onPath;
  // Only this test needs Go: without it there is simply no tctl to find.
  let gopath: string;
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
  const path = join(gopath, 'bin', 'tctl');
  return existsSync(path) ? path : undefined;
}
const tctl = findTctl();

interface FailedJson {
  readonly query: string;
  readonly runs: { workflowId: string; runId: string; event?: string; site?: string; postId?: number; cause?: string }[];
}

describe('a run that failed at the LLM is found and reset', () => {
  let stack: OpsStack;

  before(async () => {
    stack = await startOpsStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** The LLM stand-in rejects the request (HTTP 400: non-retryable), so the run fails at summarizePost. */
  async function failedRun(site: string): Promise<{ workflowId: string; runId: string; postId: number }> {
    stack.llm.setDefault({ kind: 'status', status: 400, message: 'model "gpt-4o-mini" does not support this request' });
    const postId = await stack.createPost(`Post for ${site}`);
    const workflowId = await stack.publish(postId, { site });
    const runId = await stack.expectFailed(workflowId);
    return { workflowId, runId, postId };
  }

  /** The cause is fixed: the stand-in answers with a summary again. */
  function fixLlm(): void {
    stack.llm.setDefault({ kind: 'summary', summary: 'Fixed: a summary after the reset.' });
  }

  async function listFailed(args: string[]): Promise<FailedJson> {
    const out = await runRelayCli(['failed', '--json', ...args], stack.cliEnv);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout) as FailedJson;
  }

  async function expectRerunCompleted(run: { workflowId: string; runId: string; postId: number }): Promise<void> {
    const { result, runId } = await stack.expectCompleted(run.workflowId);
    assert.notEqual(runId, run.runId, 'a reset starts a new run');
    assert.equal(result.outcome, 'summarized');
    assert.equal(result.postId, run.postId);
    assert.equal(await stack.storedSummary(run.postId), 'Fixed: a summary after the reset.');
  }

  test('`wp-ai-relay failed` lists the run with its event, site, post and cause', async () => {
    const run = await failedRun('https://failed-list.example/');
    const listed = await eventually(async () => {
      const { runs } = await listFailed(['--event', 'post.published', '--site', 'https://failed-list.example/']);
      return runs.find((r) => r.workflowId === run.workflowId);
    }, 'the failed run in visibility');
    assert.equal(listed.runId, run.runId);
    assert.equal(listed.event, 'post.published');
    assert.equal(listed.site, 'https://failed-list.example/');
    assert.equal(listed.postId, run.postId);
    assert.match(listed.cause ?? '', /LLM at http:\/\/\S+ \(OPENAI_BASE_URL\) answered HTTP 400/);

    const other = await listFailed(['--event', 'comment.created']);
    assert.equal(other.runs.some((r) => r.workflowId === run.workflowId), false, 'the --event filter excludes it');

    const human = await runRelayCli(['failed', '--post-id', String(run.postId)], stack.cliEnv);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^${run.workflowId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    assert.match(human.stdout, /query: ExecutionStatus = "Failed" AND CloseTime > "[^"]+" AND WpPostId = \d+/);
  });

  test('`wp-ai-relay reset` resets to the workflow task before the failed activity, and the run completes under the same ID', async () => {
    const run = await failedRun('https://cli-reset.example/');
    fixLlm();
    const out = await runRelayCli(['reset', run.workflowId], stack.cliEnv);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /the workflow task that scheduled summarizePost \(event \d+\), which failed at event \d+/);
    await expectRerunCompleted(run);

    // The new run kept fetchPost's result: only the LLM call and the write-back ran again.
    const history = await stack.relay.client.workflow.getHandle(run.workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(scheduled, ['fetchPost', 'summarizePost', 'writeSummary']);
  });

  test('`wp-ai-relay reset --query` resets every matching failed run once; a second pass resets nothing', async () => {
    const site = 'https://batch-reset.example/';
    const runs = [await failedRun(site), await failedRun(site)];
    fixLlm();
    const query = `ExecutionStatus = "Failed" AND WpSite = "${site}"`;
    await eventually(async () => ((await listFailed(['--site', site])).runs.length === 2 ? true : undefined), 'both runs in visibility');

    const out = await runRelayCli(['reset', '--query', query, '--reason', 'LLM request fixed'], stack.cliEnv);
    assert.equal(out.code, 0, out.stderr);
    for (const run of runs) {
      assert.match(out.stdout, new RegExp(`${run.workflowId}: reset run ${run.runId} to event \\d+`));
      await expectRerunCompleted(run);
    }

    const again = await runRelayCli(['reset', '--query', query], stack.cliEnv);
    assert.equal(again.code, 1, 'nothing left to reset is reported as a failure of each target');
    assert.match(again.stderr, /is not its current run/);
  });

  test('`temporal workflow reset --type FirstWorkflowTask` re-runs the failed run under the same ID', async () => {
    const run = await failedRun('https://temporal-reset.example/');
    fixLlm();
    const out = await runCommand('temporal', [
      'workflow', 'reset',
      '--address', stack.temporal.address,
      '--namespace', stack.relay.config.temporal.namespace,
      '--workflow-id', run.workflowId,
      '--type', 'FirstWorkflowTask',
      '--reason', 'LLM request fixed',
    ]);
    assert.equal(out.code, 0, out.stderr);
    await expectRerunCompleted(run);
  });

  const tctlSkip = tctl ? false : 'tctl not installed: scripts/setup-debian.sh found no Go toolchain, or the Go module proxy refused tctl v1.18.4; set TCTL_PATH to a tctl binary';
  test('`tctl workflow reset --reset_type FirstWorkflowTask` re-runs the failed run under the same ID', { skip: tctlSkip }, async () => {
    const run = await failedRun('https://tctl-reset.example/');
    fixLlm();
    const out = await runCommand(tctl!, [
      '--address', stack.temporal.address,
      '--namespace', stack.relay.config.temporal.namespace,
      'workflow', 'reset',
      '--workflow_id', run.workflowId,
      '--reset_type', 'FirstWorkflowTask',
      '--reason', 'LLM request fixed',
    ]);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    await expectRerunCompleted(run);
  });
});
