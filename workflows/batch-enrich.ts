import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import { wordpressActivityOptions } from '../contract/activity-options';
import {
  batchInputOf,
  batchProgressQuery,
  cancelBatchSignal,
  pauseBatchSignal,
  resumeBatchSignal,
  type BatchCounts,
  type BatchInput,
  type BatchProgress,
  type BatchState,
  type BatchStatus,
} from '../contract/batch';
import type { BatchRequested } from '../contract/events';
import type { ChildOutcome } from '../contract/post-summary';
import { contentRunId } from '../contract/workflow-ids';
import { runGiveUpAfter, withRunGiveUp } from './run-give-up';
import { runSummaryChild } from './summary-child';
import { suggestOf } from '../contract/suggestions';
import { budgetOf } from './token-budget';

/**
 * batch.requested → page through the posts that need a summary (the plugin's backlog route, by post ID) and run
 * enrichPost children with at most `batchConcurrency` in flight. It continues as new every `batchChildrenPerRun`
 * children (or when Temporal suggests it), after letting the window drain so no child's result is lost.
 */
export async function batchEnrich(input: BatchInput | BatchRequested, carried?: BatchState): Promise<BatchProgress> {
  // Runs started (or continued as new) before batchEnrich took an input of its own were given the batch.requested
  // event; which shape a run has is fixed by its first history event, and no command depends on it.
  const batch = 'event' in input ? batchInputOf(input) : input;
  const { site, limit } = batch;
  let counts: BatchCounts = carried?.counts ?? { total: 0, scanned: 0, done: 0, skipped: 0, failed: 0 };
  let cursor: number | null = carried ? carried.cursor : 0;
  const queue = [...(carried?.queue ?? [])];
  let paused = carried?.paused ?? false;
  let cancelling = false;
  let inFlight = 0;
  const runs = carried?.runs ?? 0;
  // The first run's memo; carried across continue-as-new, which drops the memo, and handed to every child.
  const giveUpAfter = carried ? carried.giveUpAfter : runGiveUpAfter();
  const wordpress = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions, giveUpAfter));

  const progress = (status: BatchStatus): BatchProgress => ({
    ...counts,
    status,
    inFlight,
    remaining: Math.max(0, counts.total - counts.done - counts.skipped - counts.failed),
    runs,
  });
  setHandler(batchProgressQuery, () => progress(cancelling ? 'cancelling' : paused ? 'paused' : 'running'));
  setHandler(pauseBatchSignal, () => void (paused = true));
  setHandler(resumeBatchSignal, () => void (paused = false));
  setHandler(cancelBatchSignal, () => void (cancelling = true));

  // After the handlers, so a query or a signal that comes during the first activity is already answered.
  const settings = carried?.settings ?? (await wordpress.readAutomationSettings());

  const count = (outcome: ChildOutcome) => {
    const key = outcome === 'summarized' ? 'done' : outcome === 'failed' ? 'failed' : 'skipped';
    counts = { ...counts, [key]: counts[key] + 1 };
  };

  let startedHere = 0;
  const pending: Promise<void>[] = [];
  while (!cancelling) {
    if (queue.length === 0) {
      if (cursor === null) break;
      const page = await wordpress.listSummaryBacklog({ after: cursor, perPage: limit, site });
      counts = {
        ...counts,
        total: page.total,
        scanned: counts.scanned + page.scanned,
        skipped: counts.skipped + page.scanned - page.posts.length,
      };
      queue.push(...page.posts);
      cursor = page.next_cursor;
      continue;
    }
    await condition(() => cancelling || (!paused && inFlight < settings.batchConcurrency));
    if (cancelling) break;
    if (startedHere >= settings.batchChildrenPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(() => inFlight === 0);
      const state: BatchState = { settings, counts, cursor, queue, paused, runs: runs + 1, giveUpAfter };
      return continueAsNew<typeof batchEnrich>(batch, state);
    }
    const post = queue.shift()!;
    // A post with no summary is claimed under its publish event's key, so a batch racing that publish's own run
    // summarises it once; a stale summary under the key of the new content, shared with the debounced edits.
    const workflowId = post.summarised ? contentRunId(site, post.id, post.hash) : post.publish_key;
    inFlight++;
    startedHere++;
    pending.push(
      runSummaryChild(workflowId, { postId: post.id, site, giveUpAfter, ...budgetOf(site), ...suggestOf(batch) })
        .catch((): ChildOutcome => 'failed')
        .then((outcome) => {
          inFlight--;
          count(outcome);
        }),
    );
  }
  await Promise.all(pending);
  return progress(cancelling ? 'cancelled' : 'completed');
}
