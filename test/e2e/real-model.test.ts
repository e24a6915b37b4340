import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CrmRecord } from '../../activities/crm';
import { COMMENT_LABELS } from '../../contract/moderation-policy';
import { leadScoreSchema } from '../../contract/leads';
import { summarySchema } from '../../contract/post-summary';
import { SEO_DESCRIPTION_MAX } from '../../contract/seo-description';
import { repetitionIn } from '../../activities/degenerate-output';
import type { enrichLead, enrichPost } from '../../workflows';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { commentState, commentViaRest, createCommenter, moderation, prepareCommentSite } from '../support/comments';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlamaServer, type LlamaServer } from '../support/llama-server';
import { TEST_SECRET } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { sendWebhook } from '../support/webhook';

/**
 * Each AI step once through a real inference server with a real model: llama.cpp's llama-server serving
 * SmolLM2-135M-Instruct, reached by the real `openai` client, through the real WordPress, receiver, worker and
 * Temporal. A 135M model judges badly, so nothing here asserts what it judged; it asserts what must hold for any
 * model: the server accepts the requests, answers stay on schema and within bounds, runs complete and write back,
 * and with the default policy no comment, least of all a reader's question, is moved to Spam.
 */
describe('the three automations against a real model (llama.cpp, SmolLM2-135M-Instruct)', () => {
  let server: LlamaServer;
  let crm: CrmStub;
  let stack: Stack;

  before(async () => {
    [server, crm] = await Promise.all([startLlamaServer(), startCrmStub()]);
    stack = await startStack({
      wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } },
      relayEnv: {
        OPENAI_BASE_URL: server.baseURL,
        OPENAI_MODEL: server.model,
        OPENAI_API_KEY: 'local',
        CRM_WEBHOOK_URL: crm.url,
        CRM_WEBHOOK_SECRET: crm.secret,
        // The default policy: the site has not enabled automatic Spam.
        MODERATION_AUTO_SPAM: 'false',
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await Promise.all([server?.stop(), crm?.close()]);
  });

  /** Whether the run asked the real server, not the stand-in that the stack also starts. */
  const standInUntouched = () => assert.equal(stack.llm.requests.length, 0, 'every LLM call went to llama-server');

  it('enrichPost: summarises a published post within the 60-word brief, with its SEO description, and writes both back', async () => {
    const created = await stack.wp.rest('/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Retries without a queue',
        content:
          '<p>Temporal retries a failed activity with backoff until it succeeds or its give-up point passes.</p>' +
          '<p>Every accepted webhook becomes a workflow whose ID is the idempotency key, so a second delivery of the ' +
          'same event is refused. A run that fails stays visible in the Web UI until an operator resets it.</p>',
        status: 'publish',
      }),
    });
    assert.equal(created.status, 201);
    const postId = ((await created.json()) as { id: number }).id;
    const event = sampleEvent('post.published', { post_id: postId });
    assert.equal((await sendWebhook(stack.relay.url, event)).status, 202);
    const result = await stack.relay.client.workflow.getHandle<typeof enrichPost>(String(event.idempotency_key)).result();
    assert.equal(result.outcome, 'summarized');

    const meta = ((await (await stack.wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, string> }).meta;
    const summary = meta.ai_relay_summary ?? '';
    const description = meta.ai_relay_description ?? '';
    console.log(`real model summary (${summary.length} chars): ${summary}`);
    console.log(`real model description (${description.length} chars): ${description}`);
    assert.equal(summarySchema.shape.summary.safeParse(summary).success, true, 'on schema: 1 to 600 characters');
    assert.equal(repetitionIn(summary), undefined, 'not a sentence repeated');
    assert.ok(description.length >= 1 && description.length <= SEO_DESCRIPTION_MAX, `a description of 1 to ${SEO_DESCRIPTION_MAX} characters`);
    assert.equal(repetitionIn(description), undefined, 'not a sentence repeated');
    standInUntouched();
  });

  it('moderateComment: every comment gets a verdict on schema with a measured confidence, and none is moved to Spam', async () => {
    const postId = await prepareCommentSite(stack.wp, stack.relay.url);
    const reader = await createCommenter(stack.wp, 'realreader');
    const comments = {
      question: 'Thanks, this helped me understand retries. How do I set the timeout?',
      spam: 'Cheap watches and casino bonuses, buy now at https://casino.example.test',
      toxic: 'You are a stupid idiot and this post is garbage.',
      ok: 'Great write-up, the part about idempotency keys was exactly what I needed.',
    };
    for (const [kind, content] of Object.entries(comments)) {
      const id = await commentViaRest(stack.wp, reader, postId, content);
      const result = await moderation(stack.wp, stack.relay.client, id);
      assert.ok(result.outcome === 'applied' || result.outcome === 'unchanged', `${kind}: ${result.outcome}`);
      const state = await commentState(stack.wp, id);
      const verdict = state.verdict;
      assert.ok(verdict, `${kind}: a verdict is stored`);
      console.log(`real model verdict for the ${kind} comment: ${JSON.stringify({ ...verdict, status: state.status })}`);
      assert.ok((COMMENT_LABELS as readonly string[]).includes(verdict.label));
      assert.ok(verdict.reason.length >= 1 && verdict.reason.length <= 200, 'the reason is one short sentence');
      // llama-server returns log-probabilities, so the relay measured the confidence rather than asking for it.
      assert.equal(typeof verdict.confidence, 'number');
      assert.ok(verdict.confidence! >= 0 && verdict.confidence! <= 1);
      assert.notEqual(state.status, 'spam', `${kind}: the default policy never moves a comment to Spam`);
      assert.notEqual(verdict.action, 'spam');
      assert.deepEqual(verdict.mode, { enabled: false, why: 'spam verdicts are held for a human: MODERATION_AUTO_SPAM is off' });
      if (verdict.label === 'spam' || verdict.label === 'toxic') assert.equal(state.status, 'hold', `${kind}: a suspicion is held for a human`);
    }
    const cookie = await stack.wp.login();
    const settings = await (await fetch(`${stack.wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    assert.match(settings, /Automatic Spam: off — spam verdicts are held for a human: MODERATION_AUTO_SPAM is off\./, 'the settings page says which mode is in force and why');
    standInUntouched();
  });

  it('enrichLead: scores a lead on schema and delivers it to the CRM once', async () => {
    const event = sampleEvent('lead.submitted', {
      fields: { email: 'ada@analytical.example', name: 'Ada', company: 'Analytical Engines', message: 'Could you send us a quote for 40 seats, starting next month?' },
    });
    const answer = await sendWebhook(stack.relay.url, event);
    assert.equal(answer.status, 202);
    const result = await stack.relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key)).result();
    assert.equal(result.outcome, 'delivered');
    const record = crm.records.get(result.idempotencyKey) as CrmRecord | undefined;
    assert.ok(record, 'the CRM holds the record');
    console.log(`real model lead score: ${JSON.stringify(record.score)}`);
    assert.equal(leadScoreSchema.safeParse(record.score).success, true);
    assert.equal(crm.requests.filter((r) => r.idempotencyKey === result.idempotencyKey).length, 1);
    standInUntouched();
  });
});
