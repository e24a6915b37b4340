import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  ApplyVerdictInput,
  ClassifiedComment,
  CommentForModeration,
  ModerateCommentInput,
  StoredVerdict,
} from '../../../contract/comment-moderation';
import { commentCreatedSchema } from '../../../contract/events';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { moderateComment } from '../../../workflows';
import { startWorkflowTestbed, type MockActivities, type WorkflowTestbed } from '../../support/workflow-testbed';

function openComment(overrides: Partial<CommentForModeration> = {}): CommentForModeration {
  return {
    id: 5,
    status: 'hold',
    author: 'A reader',
    authorUrl: '',
    content: 'Cheap watches at example.test',
    parent: 0,
    verdict: null,
    humanDecision: null,
    ...overrides,
  };
}

const verdict = (action: ClassifiedComment['action']): ClassifiedComment => ({
  label: action === 'spam' ? 'spam' : action === 'hold' ? 'toxic' : 'ok',
  confidence: 0.9,
  reason: 'Because.',
  action,
  why: 'what the policy made of it',
  mode: { enabled: action === 'spam', why: 'the automatic-Spam mode in force' },
  llm: { prompt: 'comment_verdict@2', model: 'stand-in', promptTokens: 10, completionTokens: 10, totalTokens: 20 },
});

/** The comment as WordPress has it, and what the run asked of the classifier and of WordPress. */
function fakeComment(comment: CommentForModeration | null, classified: ClassifiedComment) {
  const calls = { classify: 0, applied: [] as ApplyVerdictInput[] };
  const activities: MockActivities = {
    fetchComment: async () => comment,
    classifyComment: async () => ((calls.classify += 1), classified),
    applyCommentVerdict: async (input) => {
      calls.applied.push(input);
      return { outcome: 'applied', status: input.status ?? comment?.status ?? 'hold' };
    },
  };
  return { activities, calls };
}

describe('moderateComment, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  function moderate(
    activities: MockActivities,
    overrides: Partial<ModerateCommentInput> = {},
    workflowId = `comment.created:${randomUUID()}`,
    input: Parameters<typeof moderateComment>[0] = { commentId: 5, site: 'https://example.org/', ...overrides },
  ) {
    return testbed.withWorker(activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof moderateComment>('moderateComment', { taskQueue, workflowId, args: [input] });
      return { handle, result: await handle.result() };
    });
  }

  it("applies the policy's action: spam marks spam, hold holds, keep restores the status WordPress gave", async () => {
    const cases = [
      { action: 'spam', wordpressStatus: 'approved', asked: 'spam' },
      { action: 'hold', wordpressStatus: 'approved', asked: 'hold' },
      { action: 'keep', wordpressStatus: 'approved', asked: 'approved' },
      { action: 'keep', wordpressStatus: undefined, asked: null },
    ] as const;
    for (const { action, wordpressStatus, asked } of cases) {
      const comment = fakeComment(openComment(), verdict(action));
      const { handle, result } = await moderate(comment.activities, wordpressStatus ? { wordpressStatus } : {});
      assert.equal(comment.calls.applied.length, 1);
      const applied = comment.calls.applied[0]!;
      assert.equal(applied.status, asked, `${action} with WordPress's ${wordpressStatus}`);
      assert.equal(applied.verdict.action, action);
      assert.equal(applied.verdict.run, `${handle.workflowId}/${handle.firstExecutionRunId}`);
      assert.equal(result.outcome, 'applied');
    }
  });

  it("leaves a comment a moderator already decided alone: no LLM call, no write", async () => {
    const comment = fakeComment(openComment({ status: 'approved', humanDecision: { to: 'approved', at: '2026-01-01T00:00:00Z' } }), verdict('spam'));
    const { result } = await moderate(comment.activities);
    assert.deepEqual(result, { outcome: 'human_decided', commentId: 5, status: 'approved' });
    assert.deepEqual(comment.calls, { classify: 0, applied: [] });
  });

  it("reports the moderator's decision when one came while the LLM was classifying", async () => {
    const comment = fakeComment(openComment(), verdict('spam'));
    const { result } = await moderate({
      ...comment.activities,
      applyCommentVerdict: async () => ({ outcome: 'human_decided', status: 'approved' }),
    });
    assert.deepEqual(
      [result.outcome, 'status' in result && result.status, 'verdict' in result && result.verdict.label],
      ['human_decided', 'approved', 'spam'],
      "the moderator's status stands; the verdict is kept beside it",
    );
  });

  it("classifies a moderator's re-check even after a human decision", async () => {
    const comment = fakeComment(openComment({ humanDecision: { to: 'approved', at: '2026-01-01T00:00:00Z' } }), verdict('keep'));
    const { result } = await moderate(comment.activities, { recheck: true });
    assert.equal(comment.calls.classify, 1);
    assert.equal(result.outcome, 'applied');
  });

  it('leaves a comment marked spam or trashed since alone, and ends gone for a deleted one', async () => {
    for (const status of ['spam', 'trash']) {
      const comment = fakeComment(openComment({ status }), verdict('keep'));
      assert.deepEqual((await moderate(comment.activities)).result, { outcome: 'closed', commentId: 5, status });
      assert.deepEqual(comment.calls, { classify: 0, applied: [] });
    }
    const deleted = fakeComment(null, verdict('keep'));
    assert.deepEqual((await moderate(deleted.activities)).result, { outcome: 'gone', commentId: 5 });
  });

  it('reuses the verdict a reset of this run already stored instead of asking the LLM again', async () => {
    const workflowId = `comment.created:${randomUUID()}`;
    const stored: StoredVerdict = { ...verdict('hold'), run: `${workflowId}/an-earlier-run`, at: '2026-01-01T00:00:00Z' };
    const comment = fakeComment(openComment({ verdict: stored }), verdict('keep'));
    await moderate(comment.activities, {}, workflowId);
    assert.equal(comment.calls.classify, 0);
    assert.deepEqual([comment.calls.applied[0]?.verdict.label, comment.calls.applied[0]?.status], ['toxic', 'hold']);

    const fromAnotherRun = fakeComment(openComment({ verdict: { ...stored, run: 'comment.created:other/run' } }), verdict('keep'));
    await moderate(fromAnotherRun.activities);
    assert.equal(fromAnotherRun.calls.classify, 1, "another workflow's verdict is not this run's to reuse");
  });

  it('still takes the comment.created event that runs started before it had an input of its own were given', async () => {
    const event = commentCreatedSchema.parse(sampleEvent('comment.created', { comment_id: 5, status: 'approved', recheck: true }));
    const classified: string[] = [];
    const comment = fakeComment(openComment({ humanDecision: { to: 'hold', at: '2026-01-01T00:00:00Z' } }), verdict('keep'));
    const { result } = await moderate(
      { ...comment.activities, classifyComment: async (input) => (classified.push(input.content), verdict('keep')) },
      {},
      event.idempotency_key,
      event,
    );
    assert.deepEqual(classified, ['Cheap watches at example.test'], "the recheck is read from the event, the text from WordPress");
    assert.deepEqual([comment.calls.applied[0]?.commentId, comment.calls.applied[0]?.status], [5, 'approved'], "keep restores the event's status");
    assert.equal(result.outcome, 'applied');
  });
});
