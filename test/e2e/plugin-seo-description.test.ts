import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DESCRIPTION_ANSWER_MAX, SEO_DESCRIPTION_MAX } from '../../contract/seo-description';
import type { enrichPost } from '../../workflows';
import type { LlmStub } from '../../tools/llm-stub';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { pluginLogLines, readOutbox, type WordPress } from '../../tools/wordpress';

/**
 * The real Yoast SEO and Rank Math cannot be installed here (no access to the plugin directory), so each is stood in
 * for by what the plugin's contract with it is: the constant its main file defines when it loads (WPSEO_VERSION,
 * RANK_MATH_VERSION), and its description meta stored the way the plugin stores it. Yoast's WPSEO_Meta::init registers
 * `_yoast_wpseo_metadesc` (a protected key, not in the REST API) with a text-field sanitizer, and reads it back with
 * get_post_meta; Rank Math keeps `rank_math_description` as plain post meta that its Post::get_meta reads.
 */
const STAND_INS = {
  yoast: `<?php
define( 'WPSEO_VERSION', 'stand-in' );
add_action( 'init', function () {
	register_meta( 'post', '_yoast_wpseo_metadesc', array( 'sanitize_callback' => 'sanitize_text_field' ) );
} );
`,
  rank_math: `<?php
define( 'RANK_MATH_VERSION', 'stand-in' );
`,
} as const;
type SeoPlugin = keyof typeof STAND_INS;

interface SeoFields {
  readonly ai_relay_description: string;
  readonly yoast: string;
  readonly rank_math: string;
  readonly excerpt: string;
}

describe('the SEO description: one LLM answer, written where the SEO plugin reads it, never over an author', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;

  before(async () => {
    stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    ({ wp, llm, relay } = stack);
    await wp.setOptions({ ai_relay_endpoint: `${relay.url}/webhooks/wp`, ai_relay_allow_private: true });
  });
  after(() => stack?.stop());

  /** Which stand-ins are active for the next requests: must-use plugins load on every request. */
  async function activate(...plugins: SeoPlugin[]): Promise<void> {
    for (const name of Object.keys(STAND_INS) as SeoPlugin[]) {
      const file = join(wp.dir, 'site/wp-content/mu-plugins', `${name}-stand-in.php`);
      await (plugins.includes(name) ? writeFile(file, STAND_INS[name]) : rm(file, { force: true }));
    }
  }

  /** The description as the plugin keeps it and as each target reads it: Yoast's and Rank Math's meta, the excerpt. */
  async function seoFields(postId: number): Promise<SeoFields> {
    return JSON.parse(
      await wp.runPhp(`
echo wp_json_encode(array(
  'ai_relay_description' => get_post_meta(${postId}, 'ai_relay_description', true),
  'yoast' => get_post_meta(${postId}, '_yoast_wpseo_metadesc', true),
  'rank_math' => get_post_meta(${postId}, 'rank_math_description', true),
  'excerpt' => get_post(${postId})->post_excerpt,
));`),
    ) as SeoFields;
  }

  /**
   * Publishes a post through the REST API (the plugin sends post.published), waits for its run, and says how many
   * LLM calls the run made. `before` runs against the draft first (an author's own description, say).
   */
  async function publish(title: string, prepare = '') {
    const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title, content: `<p>${title}: the details.</p>`, status: 'draft' }) });
    assert.equal(created.status, 201);
    const postId = ((await created.json()) as { id: number }).id;
    if (prepare) await wp.runPhp(prepare.replaceAll('$id', String(postId)));
    const calls = llm.requests.length;
    assert.equal((await wp.rest(`/wp/v2/posts/${postId}`, { method: 'POST', body: JSON.stringify({ status: 'publish' }) })).status, 200);
    const row = (await readOutbox(wp)).find((r) => r.object_id === postId && r.event === 'post.published');
    assert.equal(row?.status, 'delivered');
    const handle = relay.client.workflow.getHandle<typeof enrichPost>(row!.idempotency_key);
    const result = await handle.result();
    assert.equal(result.outcome, 'summarized');
    return { postId, handle, result, event: JSON.parse(row.body) as Record<string, unknown>, llmCalls: llm.requests.length - calls };
  }

  const stubDescription = (title: string) => `What “${title}” tells you, in one line.`;

  test('the summary and the description come from one LLM call, and with no SEO plugin they stay on the post alone', async () => {
    await activate();
    const { postId, result, llmCalls } = await publish('Composting basics');
    assert.equal(llmCalls, 1, 'one structured answer holds both');
    const request = llm.requests.at(-1)!;
    assert.equal(request.response_format?.json_schema?.name, 'post_summary');
    assert.ok(result.outcome === 'summarized' && result.description === stubDescription('Composting basics'));
    const meta = ((await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, unknown> }).meta;
    assert.equal(meta.ai_relay_summary, 'A short summary of “Composting basics”.');
    assert.deepEqual(await seoFields(postId), { ai_relay_description: stubDescription('Composting basics'), yoast: '', rank_math: '', excerpt: '' });
  });

  test('with Yoast SEO active, the description is written to _yoast_wpseo_metadesc, and nothing else', async () => {
    await activate('yoast');
    const { postId, handle, llmCalls } = await publish('Pruning roses');
    assert.equal(llmCalls, 1);
    assert.deepEqual(await seoFields(postId), { ai_relay_description: stubDescription('Pruning roses'), yoast: stubDescription('Pruning roses'), rank_math: '', excerpt: '' });
    if (process.env.RECORD_HISTORY === '1') {
      writeFileSync(join(__dirname, '../fixtures/enrich-post-description-history.json'), `${historyToJSON(await handle.fetchHistory())}\n`);
    }
  });

  test('with Rank Math active, the description is written to rank_math_description', async () => {
    await activate('rank_math');
    const { postId } = await publish('Sowing carrots');
    assert.deepEqual(await seoFields(postId), { ai_relay_description: stubDescription('Sowing carrots'), yoast: '', rank_math: stubDescription('Sowing carrots'), excerpt: '' });
  });

  test("a description the author wrote in Yoast's or Rank Math's box is kept; the AI's waits in the panel", async () => {
    await activate('yoast', 'rank_math');
    const { postId } = await publish(
      'Watering tomatoes',
      "update_post_meta($id, '_yoast_wpseo_metadesc', 'The author’s words for Yoast.'); update_post_meta($id, 'rank_math_description', 'The author’s words for Rank Math.');",
    );
    assert.deepEqual(await seoFields(postId), {
      ai_relay_description: stubDescription('Watering tomatoes'),
      yoast: 'The author’s words for Yoast.',
      rank_math: 'The author’s words for Rank Math.',
      excerpt: '',
    });
  });

  test('the excerpt gets the description only when the site opted in and the post has none, and no new event is sent', async () => {
    await activate();
    await wp.setOptions({ ai_relay_description_excerpt: true });
    try {
      const empty = await publish('Mulching beds');
      assert.equal((await seoFields(empty.postId)).excerpt, stubDescription('Mulching beds'));
      const own = await publish('Saving seeds', "wp_update_post(array('ID' => $id, 'post_excerpt' => 'The author’s excerpt.'));");
      assert.equal((await seoFields(own.postId)).excerpt, 'The author’s excerpt.');
      const events = (await readOutbox(wp)).filter((row) => row.object_id === empty.postId || row.object_id === own.postId);
      assert.deepEqual(events.map((row) => row.event), ['post.published', 'post.published'], 'writing the excerpt is not an edit of the post');
    } finally {
      await wp.setOptions({ ai_relay_description_excerpt: false });
    }
  });

  test("a later AI description replaces the one the plugin wrote, but not one an author wrote over it since", async () => {
    await activate('yoast', 'rank_math');
    const { postId } = await publish('Planting garlic');
    assert.equal((await seoFields(postId)).yoast, stubDescription('Planting garlic'));
    // The relay's write-back, as activities/wordpress.ts sends it, from a later run (the post was edited).
    const writeBack = (description: string, run: string) =>
      wp.rest(`/wp/v2/posts/${postId}?context=edit`, {
        method: 'POST',
        body: JSON.stringify({ meta: { ai_relay_summary: 'Newer.', ai_relay_description: description, ai_relay_summary_hash: 'd'.repeat(64), ai_relay_summary_run: run } }),
      });
    assert.equal((await writeBack('A newer AI description.', 'wf/run-2')).status, 200);
    assert.deepEqual(await seoFields(postId), { ai_relay_description: 'A newer AI description.', yoast: 'A newer AI description.', rank_math: 'A newer AI description.', excerpt: '' });

    await wp.runPhp(`update_post_meta(${postId}, '_yoast_wpseo_metadesc', 'Rewritten by the author in Yoast.');`);
    assert.equal((await writeBack('The newest AI description.', 'wf/run-3')).status, 200);
    assert.deepEqual(await seoFields(postId), {
      ai_relay_description: 'The newest AI description.',
      yoast: 'Rewritten by the author in Yoast.',
      rank_math: 'The newest AI description.',
      excerpt: '',
    });
  });

  test('the description is at most 155 characters, cut at a word, when the model writes more', async () => {
    await activate('yoast');
    const long =
      'Garlic planted in autumn grows roots before the frost, then it waits under mulch until spring warms the soil ' +
      'and the green shoots come up again, ready to lift by midsummer.';
    assert.ok(long.length > SEO_DESCRIPTION_MAX && long.length <= DESCRIPTION_ANSWER_MAX, `${long.length} characters`);
    llm.enqueue({ kind: 'summary', description: long });
    const { postId } = await publish('Garlic in autumn');
    const { yoast } = await seoFields(postId);
    assert.ok(yoast.length <= SEO_DESCRIPTION_MAX, `${yoast.length} characters`);
    assert.ok(yoast.endsWith('…'));
    assert.ok(long.startsWith(yoast.slice(0, -1)));
    assert.match(long.slice(yoast.length - 1), /^[\s,]/, 'cut between words');
  });

  test('a site that holds both for review says so in the event; the run writes suggestions, publishes nothing, and its result says so', async () => {
    await activate('yoast');
    await wp.setOptions({ ai_relay_suggest: ['summary', 'description'] });
    try {
      const { postId, result, event, llmCalls } = await publish('Dividing hostas');
      assert.deepEqual(event.suggest, ['summary', 'description']);
      assert.equal(llmCalls, 1);
      assert.ok(result.outcome === 'summarized');
      assert.deepEqual(result.suggested, ['summary', 'description'], "the run's history shows what it did");
      const meta = ((await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, unknown> }).meta;
      assert.deepEqual(
        [meta.ai_relay_summary, meta.ai_relay_summary_suggestion, meta.ai_relay_description, meta.ai_relay_description_suggestion],
        ['', 'A short summary of “Dividing hostas”.', '', stubDescription('Dividing hostas')],
      );
      assert.equal((await seoFields(postId)).yoast, '', 'nothing reaches the SEO plugin before an editor accepts it');
    } finally {
      await wp.setOptions({ ai_relay_suggest: [] });
    }
  });

  test('a site that reviews only summaries publishes the description at once', async () => {
    await activate('yoast');
    await wp.setOptions({ ai_relay_suggest: ['summary'] });
    try {
      const { postId, result, event } = await publish('Staking dahlias');
      assert.deepEqual(event.suggest, ['summary']);
      assert.ok(result.outcome === 'summarized');
      assert.deepEqual(result.suggested, ['summary']);
      const meta = ((await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, unknown> }).meta;
      assert.deepEqual([meta.ai_relay_summary, meta.ai_relay_summary_suggestion], ['', 'A short summary of “Staking dahlias”.']);
      assert.equal((await seoFields(postId)).yoast, stubDescription('Staking dahlias'));
    } finally {
      await wp.setOptions({ ai_relay_suggest: [] });
    }
  });

  test('a site that reviews nothing sends no suggest field, as before', async () => {
    await activate();
    const { event, result } = await publish('Edging lawns');
    assert.equal('suggest' in event, false);
    assert.ok(result.outcome === 'summarized' && !('suggested' in result));
  });

  test('the settings page says where descriptions go on this site', async () => {
    await activate('yoast', 'rank_math');
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie: await wp.login() } })).text();
    assert.match(page, /id="ai_relay_description_targets">[^<]*It is written for: Yoast SEO, Rank Math\./);
    assert.match(page, /<input type="checkbox" id="ai_relay_description_excerpt" name="ai_relay_description_excerpt" value="1">/);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    await activate();
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
