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
    assert.deepEqual(summariseInputSchema.strict().parse(input), { postId: 9, restBase: 'pages' });
    const plain = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9 }));
    assert.deepEqual(route.args(plain), [{ postId: 9 }], 'a post without rest_base keeps the activity input it always had');
  });

  it("carries the site's review choice into enrichPost's input, so the run's history shows it", () => {
    const route = EVENT_ROUTES['post.published'];
    const held = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9, suggest: ['description'] }));
    assert.deepEqual(route.args(held), [{ postId: 9, suggest: ['description'] }]);
    const none = postPublishedSchema.parse(sampleEvent('post.published', { post_id: 9, suggest: [] }));
    assert.deepEqual(route.args(none), [{ postId: 9 }], 'nothing held: the input it always had');
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
