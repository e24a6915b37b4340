/**
 * `npm run demo`: the whole loop on this machine, in one command. A local WordPress with the plugin, the relay
 * (a Temporal dev server with its Web UI, the worker and the receiver) and the stand-in LLM come up; a post is
 * published; its summary is written back; comment moderation is turned on and a first comment gets its verdict;
 * the summary, the verdict and the Web UI link of the run are printed. Everything keeps
 * running until Ctrl-C, so the links can be opened. `npm run demo -- --once` stops right after (for CI).
 *
 * Needs the Debian packages wordpress, php-cli, php-mysql and mariadb-server, and the `temporal` CLI.
 */
import { commentState, commentViaForm, moderation } from '../test/support/comments';
import { TEST_SECRET } from '../test/support/relay';
import { startStack } from '../test/support/stack';
import { readOutbox } from '../tools/wordpress';

async function run(): Promise<void> {
  const once = process.argv.includes('--once');
  const step = (text: string) => console.log(`\u001b[2m… ${text}\u001b[0m`);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  };

  try {
    step('starting WordPress, the stand-in LLM, Temporal (with its Web UI) and the relay');
    const stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } }, temporal: { ui: true } });
    stops.push(() => stack.stop());
    const { wp, relay, temporal } = stack;
    await wp.setOptions({ ai_relay_endpoint: `${relay.url}/webhooks/wp`, ai_relay_allow_private: true });

    step('publishing a post through the WordPress REST API');
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Durable AI automations for WordPress',
        content: '<p>Webhooks from WordPress start Temporal workflows; retries, timeouts and history come for free.</p>',
        status: 'publish',
      }),
    });
    if (created.status !== 201) throw new Error(`WordPress refused the post: ${created.status} ${await created.text()}`);
    const post = (await created.json()) as { id: number; link: string };

    const row = (await readOutbox(wp)).find((r) => r.object_id === post.id);
    if (row?.status !== 'delivered') throw new Error(`the event was not delivered: ${JSON.stringify(row)}`);
    const { workflowId, runId } = JSON.parse(row.last_response ?? '{}') as { workflowId: string; runId: string };

    step(`waiting for workflow ${workflowId}`);
    await relay.client.workflow.getHandle(workflowId, runId).result();
    const written = (await (await wp.rest(`/wp/v2/posts/${post.id}?context=edit`)).json()) as { meta: Record<string, string> };

    step('turning on comment moderation (comment.created) and posting a first comment through the comment form');
    await wp.setOptions({ ai_relay_events: ['post.published', 'comment.created'], comment_moderation: 0, comment_previously_approved: 0 });
    const commentId = await commentViaForm(wp, post.id, 'A visitor', 'Great read! Buy now: cheap watches at https://watches.example.test');
    await moderation(wp, relay.client, commentId);
    const comment = await commentState(wp, commentId);

    const runUrl = `${temporal.uiUrl}/namespaces/${relay.config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;

    console.log(`
Summary written back to post ${post.id}:
  “${written.meta.ai_relay_summary}”
  (ai_relay_summary_run = ${written.meta.ai_relay_summary_run})

First comment, moderated:
  verdict ${comment.verdict?.label} (confidence ${comment.verdict?.confidence}) → comment is now ${comment.status}
  “${comment.verdict?.reason}”

The run in the Temporal Web UI:   ${runUrl}
The post:                         ${post.link}
WordPress admin:                  ${wp.baseUrl}/wp-admin/  (user ${wp.adminUser}, password ${wp.adminPassword})
The plugin's settings page:       ${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay
Comments, with the AI verdicts:   ${wp.baseUrl}/wp-admin/edit-comments.php?comment_status=all
`);
    if (!once) {
      console.log('Everything keeps running; press Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    }
  } finally {
    step('stopping');
    await stopAll();
  }
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
