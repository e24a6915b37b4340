import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchInputSchema } from '../../contract/batch';
import { moderateCommentInputSchema } from '../../contract/comment-moderation';
import { batchRequestedSchema, commentCreatedSchema, leadSubmittedSchema, postPublishedSchema, postUpdatedSchema, type PostPublished } from '../../contract/events';
import { enrichLeadInputSchema, leadFormSchema } from '../../contract/leads';
import { summariseInputSchema } from '../../contract/post-summary';
import { postEditSchema, postUpdatesInputSchema } from '../../contract/post-updates';
import { EVENT_ROUTES, type EventRoute } from '../../src/temporal/event-routes';
import { sampleEvent } from '../../src/webhooks/sample-events';

describe('the event table', () => {
  it('starts enrichPost with its own input: the post, not the webhook (no title, author or URL in its history)', () => {
    const route = EVENT_ROUTES['post.published'];
    const event = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9, rest_base: 'pages' }));
    const [input] = route.args(event);
    assert.deepEqual(summariseInputSchema.strict().parse(input), { postId: 9, restBase: 'pages', site: event.site });
    const plain = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9 }));
    assert.deepEqual(route.args(plain), [{ postId: 9, site: plain.site }], 'a post without rest_base has no rest_base; its site says which WordPress (WP_SITES)');
  });

  it('starts moderateComment with the comment and what the policy needs: no author, author URL or text in its history', () => {
    const route = EVENT_ROUTES['comment.created'];
    const event = commentCreatedSchema.parse(
      sampleEvent('comment.created', { comment_id: 12, post_id: 7, author: 'Ada', author_url: 'https://ada.example/', status: 'hold', recheck: true }),
    );
    const [input] = route.args(event);
    assert.deepEqual(moderateCommentInputSchema.strict().parse(input), { commentId: 12, site: 'https://example.org/', wordpressStatus: 'hold', recheck: true });
    const plain = commentCreatedSchema.parse(sampleEvent('comment.created', { comment_id: 12 }));
    assert.deepEqual(route.args(plain), [{ commentId: 12, site: 'https://example.org/' }]);
  });

  it('starts enrichLead with the form and the key the CRM key derives from, nothing else of the event', () => {
    const event = leadSubmittedSchema.parse(sampleEvent('lead.submitted', { lead_id: 'L-1', fields: { email: 'ada@example.org' } }));
    const [input] = EVENT_ROUTES['lead.submitted'].args(event);
    assert.deepEqual(enrichLeadInputSchema.extend({ lead: leadFormSchema.strict() }).strict().parse(input), {
      eventKey: event.idempotency_key,
      lead: { leadId: 'L-1', site: 'https://example.org/', submittedAt: event.submitted_at, source: 'contact form', fields: { email: 'ada@example.org' } },
    });
  });

  it('starts batchEnrich with the site and page size, and a post’s debounce run with the post; its edits carry their key only', () => {
    const batch = batchRequestedSchema.parse(sampleEvent('batch.requested', { limit: 20 }));
    assert.deepEqual(batchInputSchema.strict().parse(EVENT_ROUTES['batch.requested'].args(batch)[0]), { site: 'https://example.org/', limit: 20 });

    const route = EVENT_ROUTES['post.updated'];
    const edit = postUpdatedSchema.parse(sampleEvent('post.updated', { post_id: 7, content_hash: 'ab'.repeat(32) }));
    assert.deepEqual(postUpdatesInputSchema.strict().parse(route.args(edit)[0]), { site: 'https://example.org/', postId: 7 });
    assert.equal(route.via.kind, 'update');
    if (route.via.kind === 'update') assert.deepEqual(postEditSchema.strict().parse(route.via.args(edit)[0]), { eventKey: edit.idempotency_key });
  });

  it("carries the site's review choice into enrichPost's input, so the run's history shows it", () => {
    const route = EVENT_ROUTES['post.published'];
    const held = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9, suggest: ['description'] }));
    assert.deepEqual(route.args(held), [{ postId: 9, site: held.site, suggest: ['description'] }]);
    const none = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9, suggest: [] }));
    assert.deepEqual(route.args(none), [{ postId: 9, site: none.site }], 'nothing held: no suggest');

    const batch = batchRequestedSchema.parse(sampleEvent('batch.requested', { suggest: ['summary'] }));
    assert.deepEqual(batchInputSchema.strict().parse(EVENT_ROUTES['batch.requested'].args(batch)[0]).suggest, ['summary'], 'a batch hands it to every summary child');
    const edit = postUpdatedSchema.parse(sampleEvent('post.updated', { post_id: 7, suggest: ['summary', 'description'] }));
    const updates = EVENT_ROUTES['post.updated'];
    assert.equal(updates.via.kind, 'update');
    if (updates.via.kind === 'update') assert.deepEqual(updates.via.args(edit)[0], { eventKey: edit.idempotency_key, suggest: ['summary', 'description'] }, 'each edit carries the choice as of that edit');
  });

  it("types each row's args by its workflow's parameters, so a changed input fails typecheck", () => {
    const wrong: EventRoute<PostPublished, 'enrichPost'> = {
      ...EVENT_ROUTES['post.published'],
      // @ts-expect-error enrichPost takes a SummariseInput; `npm run typecheck` fails if this ever compiles.
      args: (event) => [{ post_id: event.post_id }],
    };
    assert.equal(wrong.workflowType, 'enrichPost');
  });
});
