import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PostPublished } from '../src/webhooks/events';
import { llmActivityOptions, wordpressActivityOptions } from './activity-options';

const wordpress = proxyActivities<Activities>(wordpressActivityOptions);
const llm = proxyActivities<Activities>(llmActivityOptions);

export type EnrichPostResult =
  | { readonly outcome: 'summarized'; readonly postId: number; readonly summary: string; readonly contentHash: string }
  | { readonly outcome: 'unchanged' | 'not_published'; readonly postId: number; readonly contentHash: string };

/**
 * post.published → fetch the post as it is now, summarise it, write the summary back once. The LLM is skipped
 * when the content is the one the stored summary was made from, so a re-sent or reset run costs nothing.
 */
export async function enrichPost(event: PostPublished): Promise<EnrichPostResult> {
  const post = await wordpress.fetchPost(event.post_id);
  if (post.status !== 'publish') {
    log.info('post is no longer published; nothing to summarise', { postId: post.id, status: post.status });
    return { outcome: 'not_published', postId: post.id, contentHash: post.contentHash };
  }
  if (post.summaryHash === post.contentHash) {
    return { outcome: 'unchanged', postId: post.id, contentHash: post.contentHash };
  }
  const { summary } = await llm.summarizePost({ title: post.title, content: post.content });
  const { workflowId, runId } = workflowInfo();
  await wordpress.writeSummary({
    postId: post.id,
    summary,
    contentHash: post.contentHash,
    run: `${workflowId}/${runId}`,
  });
  return { outcome: 'summarized', postId: post.id, summary, contentHash: post.contentHash };
}
