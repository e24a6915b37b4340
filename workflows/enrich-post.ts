import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LlmCall } from '../contract/llm-usage';
import type { PostPublished } from '../src/webhooks/events';
import { llmActivityOptions, wordpressActivityOptions } from './activity-options';
import { withRunGiveUp } from './run-give-up';
import { awaitTokenBudget, recordTokenSpend } from './token-budget';

export type EnrichPostResult =
  | {
      readonly outcome: 'summarized';
      readonly postId: number;
      readonly summary: string;
      readonly contentHash: string;
      /** The prompt version and tokens of the summary; absent from runs recorded before they were kept. */
      readonly llm?: LlmCall;
    }
  | { readonly outcome: 'unchanged' | 'not_published'; readonly postId: number; readonly contentHash: string };

/**
 * post.published → fetch the post as it is now, summarise it, write the summary back once. The LLM is skipped
 * when the content is the one the stored summary was made from, so a re-sent or reset run costs nothing.
 */
export async function enrichPost(event: PostPublished): Promise<EnrichPostResult> {
  // Proxied here, not at module level: the give-up point is this run's, read from its start.
  const wordpress = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));
  const llm = proxyActivities<Activities>(withRunGiveUp(llmActivityOptions));
  // Events from before the plugin sent rest_base are posts; their activity input stays exactly as it was.
  const restBase = event.rest_base === undefined ? {} : { restBase: event.rest_base };
  const post = await (event.rest_base === undefined
    ? wordpress.fetchPost(event.post_id)
    : wordpress.fetchPost(event.post_id, event.rest_base));
  if (post.status !== 'publish') {
    log.info('post is no longer published; nothing to summarise', { postId: post.id, status: post.status });
    return { outcome: 'not_published', postId: post.id, contentHash: post.contentHash };
  }
  if (post.summaryHash === post.contentHash) {
    return { outcome: 'unchanged', postId: post.id, contentHash: post.contentHash };
  }
  await awaitTokenBudget(event.site);
  const { summary, llm: call } = await llm.summarizePost({ title: post.title, content: post.content });
  await recordTokenSpend(event.site, call);
  const { workflowId, runId } = workflowInfo();
  await wordpress.writeSummary({
    postId: post.id,
    summary,
    contentHash: post.contentHash,
    run: `${workflowId}/${runId}`,
    ...restBase,
  });
  return { outcome: 'summarized', postId: post.id, summary, contentHash: post.contentHash, ...(call ? { llm: call } : {}) };
}
