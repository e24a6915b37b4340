import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import { llmActivityOptions, wordpressActivityOptions } from '../contract/activity-options';
import type { PostPublished } from '../contract/events';
import type { EnrichPostResult, SummariseInput } from '../contract/post-summary';
import { withRunGiveUp } from './run-give-up';
import { awaitTokenBudget, budgetOf, recordTokenSpend } from './token-budget';

/**
 * Runs started before enrichPost took an input of its own were given a post.published event (the receiver's, or
 * one a batch or an edit made up, with no title or author). Both shapes name the post, and which one a run has is
 * fixed by its first history event, so it is decided here at the entry rather than with patched(): no command
 * the workflow issues depends on the shape.
 */
function summariseInputOf(input: SummariseInput | PostPublished): SummariseInput {
  if (!('event' in input)) return input;
  return {
    postId: input.post_id,
    ...(input.rest_base === undefined ? {} : { restBase: input.rest_base }),
    site: input.site,
    ...budgetOf(input.site),
  };
}

/**
 * Fetch the post as it is now, summarise it (the summary and the SEO description in one LLM call), write both back
 * once: published, or as suggestions for an editor to accept where the site holds them for review (`suggest`). The
 * LLM is skipped when the content is the one the stored summary was made from, so a re-sent or reset run costs
 * nothing. Neither the description nor suggestions changed a command the workflow issues (same activities, in
 * the same order, only their inputs and results carry more), so runs recorded before them replay unchanged, without a
 * patch: the replay tests over the recorded histories hold that.
 */
export async function enrichPost(input: SummariseInput | PostPublished): Promise<EnrichPostResult> {
  const { postId, restBase, site, giveUpAfter, tokenBudget, suggest = [] } = summariseInputOf(input);
  // Proxied here, not at module level: the give-up point is this run's, from its input or its start.
  const wordpress = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions, giveUpAfter));
  const llm = proxyActivities<Activities>(withRunGiveUp(llmActivityOptions, giveUpAfter));
  // Runs asked for without a site or a rest_base keep the activity input they always had.
  const post = await (site !== undefined
    ? wordpress.fetchPost(postId, restBase, site)
    : restBase === undefined
      ? wordpress.fetchPost(postId)
      : wordpress.fetchPost(postId, restBase));
  if (post.status !== 'publish') {
    log.info('post is no longer published; nothing to summarise', { postId: post.id, status: post.status });
    return { outcome: 'not_published', postId: post.id, contentHash: post.contentHash };
  }
  if (post.summaryHash === post.contentHash) {
    return { outcome: 'unchanged', postId: post.id, contentHash: post.contentHash };
  }
  await awaitTokenBudget(tokenBudget);
  // One call answers both: the summary and the SEO description (absent from answers recorded before it was asked).
  const { summary, description, llm: call } = await llm.summarizePost({ title: post.title, content: post.content });
  await recordTokenSpend(tokenBudget, call);
  const { workflowId, runId } = workflowInfo();
  await wordpress.writeSummary({
    postId: post.id,
    summary,
    ...(description === undefined ? {} : { description }),
    ...(suggest.length > 0 ? { suggest } : {}),
    contentHash: post.contentHash,
    run: `${workflowId}/${runId}`,
    ...(restBase === undefined ? {} : { restBase }),
    ...(site === undefined ? {} : { site }),
  });
  return {
    outcome: 'summarized',
    postId: post.id,
    summary,
    ...(description === undefined ? {} : { description }),
    ...(suggest.length > 0 ? { suggested: suggest } : {}),
    contentHash: post.contentHash,
    ...(call ? { llm: call } : {}),
  };
}
