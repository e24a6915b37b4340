import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import type { LlmCall } from '../contract/llm-call';
import { llmActivityOptions, wordpressActivityOptions } from '../contract/activity-options';
import {
  moderateCommentInputOf,
  type CommentForModeration,
  type CommentStatus,
  type ModerateCommentInput,
  type ModerateCommentResult,
  type StoredVerdict,
} from '../contract/comment-moderation';
import type { CommentCreated } from '../contract/events';
import type { ModerationAction } from '../contract/moderation-policy';
import { withRunGiveUp } from './run-give-up';
import { awaitTokenBudget, recordTokenSpend, siteBudget } from './token-budget';

/** The status an action asks for; `keep` restores what WordPress itself chose (null: leave it as it is). */
function statusFor(action: ModerationAction, wordpressStatus: ModerateCommentInput['wordpressStatus']): CommentStatus | null {
  if (action === 'spam') return 'spam';
  if (action === 'hold') return 'hold';
  return wordpressStatus ?? null;
}

/**
 * comment.created → read the comment as it is now, classify it, apply the configured policy, and store the verdict.
 * A comment already decided by a moderator, marked spam or trashed since, or deleted is left alone; a verdict this
 * workflow ID already stored (a reset run) is reused rather than asked for again.
 */
export async function moderateComment(input: ModerateCommentInput | CommentCreated): Promise<ModerateCommentResult> {
  // Runs started before moderateComment took an input of its own were given the comment.created event; which
  // shape a run has is fixed by its first history event, and no command depends on it, so no patch is needed.
  const { commentId, site, wordpressStatus, recheck } = 'event' in input ? moderateCommentInputOf(input) : input;
  const wordpress = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));
  const llm = proxyActivities<Activities>(withRunGiveUp(llmActivityOptions));
  const comment = await wordpress.fetchComment(commentId, site);
  if (!comment) return { outcome: 'gone', commentId };
  if (!recheck && comment.humanDecision) return { outcome: 'human_decided', commentId, status: comment.status };
  if (!recheck && (comment.status === 'spam' || comment.status === 'trash')) {
    log.info('comment is no longer open for moderation', { commentId, status: comment.status });
    return { outcome: 'closed', commentId, status: comment.status };
  }
  const { workflowId, runId } = workflowInfo();
  const reusable = comment.verdict?.run.startsWith(`${workflowId}/`) ? comment.verdict : null;
  const { label, confidence, reason, action, why, mode, llm: call }: Omit<StoredVerdict, 'run' | 'at'> & { llm?: LlmCall } =
    reusable ?? (await classify(site, llm, comment));
  const verdict: StoredVerdict = {
    label,
    confidence,
    reason,
    action,
    // Absent from verdicts classified before the policy said why (old histories replay unchanged).
    ...(why === undefined ? {} : { why }),
    ...(mode === undefined ? {} : { mode }),
    run: `${workflowId}/${runId}`,
    at: new Date().toISOString(),
  };
  const applied = await wordpress.applyCommentVerdict({ commentId, verdict, status: statusFor(action, wordpressStatus), site });
  if (applied.outcome === 'gone') return { outcome: 'gone', commentId };
  return { outcome: applied.outcome, commentId, status: applied.status, verdict, ...(call ? { llm: call } : {}) };
}

/** The LLM's verdict on the comment, within the site's daily token budget when the run has one. */
async function classify(site: string, llm: Activities, comment: CommentForModeration) {
  const budget = siteBudget(site);
  await awaitTokenBudget(budget);
  const verdict = await llm.classifyComment({
    author: comment.author,
    authorUrl: comment.authorUrl,
    content: comment.content,
    isReply: comment.parent > 0,
  });
  await recordTokenSpend(budget, verdict.llm);
  return verdict;
}
