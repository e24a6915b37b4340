import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { TEST_SECRET } from '../test/support/relay';
import { commentViaRest, createCommenter, prepareCommentSite } from '../test/support/comments';
import { startStack } from '../test/support/stack';
import type { ModerateCommentResult } from '../contract/comment-moderation';
import { round, summarize } from './stats';

/**
 * Comments per second through the whole moderation loop with an instant LLM: a subscriber posts comments through the
 * WordPress REST API, the plugin sends each one, the relay (receiver + worker, in this process) classifies it with the
 * stand-in LLM and writes the verdict and status back. A third of the comments are spam, so status changes are
 * measured too. Prints one JSON line; figures only, no assertion.
 *
 *   npx tsx bench/comments.ts [--comments 60] [--concurrency 4]
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { comments: { type: 'string', default: '60' }, concurrency: { type: 'string', default: '4' } } });
  const total = Number(values.comments);
  const concurrency = Number(values.concurrency);
  const stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
  try {
    const { wp, relay } = stack;
    const postId = await prepareCommentSite(wp, relay.url);
    const commenter = await createCommenter(wp, 'bench');
    // Warm-up, not measured: the first run of a fresh worker and WordPress pays for caches and connections.
    await follow(relay.client, relay.taskQueue, await commentViaRest(wp, commenter, postId, 'A warm-up comment.'));

    let next = 0;
    const runs: Promise<{ postedAt: number; postMs: number; closedAt: number; outcome: string }>[] = [];
    const started = Date.now();
    const commenterLoop = async () => {
      while (next < total) {
        const n = next++;
        const text = n % 3 === 0 ? `Cheap watches at the casino, buy now! (${n})` : `Thanks for comment ${n}, this was useful.`;
        const postedAt = Date.now();
        const id = await commentViaRest(wp, commenter, postId, text);
        const postMs = Date.now() - postedAt;
        const run = follow(relay.client, relay.taskQueue, id).then((r) => ({ postedAt, postMs, ...r }));
        run.catch(() => {}); // awaited below
        runs.push(run);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, commenterLoop));
    const done = await Promise.all(runs);
    const lastClose = Math.max(...done.map((r) => r.closedAt));
    console.log(
      JSON.stringify({
        scenario: 'comment-moderation-loop',
        comments: total,
        concurrency,
        comments_per_s: round(total / ((lastClose - started) / 1000)),
        post_request_ms: summarize(done.map((r) => r.postMs)),
        posted_to_verdict_ms: summarize(done.map((r) => r.closedAt - r.postedAt)),
        outcomes: done.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.outcome]: (counts[r.outcome] ?? 0) + 1 }), {}),
        llm_calls: stack.llm.requests.length,
      }),
    );
  } finally {
    await stack.stop();
  }
}

/** Finds the comment's run by its WpCommentId search attribute and waits for its end. */
async function follow(client: Client, taskQueue: string, commentId: number): Promise<{ closedAt: number; outcome: string }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for await (const info of client.workflow.list({ query: `WpCommentId = ${commentId} AND TaskQueue = "${taskQueue}"` })) {
      const handle = client.workflow.getHandle(info.workflowId, info.runId);
      const result = (await handle.result()) as ModerateCommentResult;
      const closedAt = (await handle.describe()).closeTime?.getTime() ?? Date.now();
      return { closedAt, outcome: result.outcome };
    }
    await sleep(20);
  }
  throw new Error(`no run for comment ${commentId} within 30 s: did the plugin send it?`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
