import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postPublishedSchema, type PostPublished } from '../../contract/events';
import { summariseInputSchema } from '../../contract/post-summary';
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

  it("types each row's args by its workflow's parameters, so a changed input fails typecheck", () => {
    const wrong: EventRoute<PostPublished, 'enrichPost'> = {
      ...EVENT_ROUTES['post.published'],
      // @ts-expect-error enrichPost takes a SummariseInput; `npm run typecheck` fails if this ever compiles.
      args: (event) => [{ post_id: event.post_id }],
    };
    assert.equal(wrong.workflowType, 'enrichPost');
  });
});
