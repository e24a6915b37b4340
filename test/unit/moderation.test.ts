import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moderationAction } from '../../contract/moderation-policy';
import { failedQuery } from '../../src/cli/failed-runs';
import { ConfigError, loadConfig } from '../../src/config';
import { EVENT_ROUTES } from '../../src/temporal/event-routes';
import { commentCreatedSchema } from '../../contract/events';
import { sampleEvent } from '../../src/webhooks/sample-events';

const thresholds = loadConfig({}).moderation.thresholds;

describe('comment moderation policy', () => {
  it('marks confident spam as spam, holds confident toxicity, and keeps questions and ok comments as WordPress set them', () => {
    assert.equal(moderationAction({ label: 'spam', confidence: 0.95, reason: 'ad' }, thresholds), 'spam');
    assert.equal(moderationAction({ label: 'toxic', confidence: 0.95, reason: 'insult' }, thresholds), 'hold');
    assert.equal(moderationAction({ label: 'question', confidence: 0.95, reason: 'asks' }, thresholds), 'keep');
    assert.equal(moderationAction({ label: 'ok', confidence: 0.95, reason: 'fine' }, thresholds), 'keep');
  });

  it('holds any verdict below its label\'s threshold for a human, and applies it at the threshold', () => {
    assert.equal(moderationAction({ label: 'spam', confidence: 0.79, reason: 'maybe an ad' }, thresholds), 'hold');
    assert.equal(moderationAction({ label: 'spam', confidence: 0.8, reason: 'an ad' }, thresholds), 'spam');
    assert.equal(moderationAction({ label: 'ok', confidence: 0.59, reason: 'unclear' }, thresholds), 'hold');
  });

  it('takes the thresholds from configuration and refuses values outside 0-1', () => {
    const strict = loadConfig({ MODERATION_SPAM_THRESHOLD: '0.99' }).moderation.thresholds;
    assert.equal(moderationAction({ label: 'spam', confidence: 0.95, reason: 'an ad' }, strict), 'hold');
    assert.throws(
      () => loadConfig({ MODERATION_TOXIC_THRESHOLD: '1.5' }),
      (error) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('MODERATION_TOXIC_THRESHOLD')),
    );
  });
});

describe('comment.created', () => {
  it('accepts the payload of older plugins, without the fields added for moderation', () => {
    const event = commentCreatedSchema.parse(sampleEvent('comment.created'));
    assert.deepEqual([event.parent, event.author_url, event.status, event.recheck], [undefined, undefined, undefined, undefined]);
  });

  it('accepts parent, author URL, WordPress\'s status and a re-check flag, and refuses an unknown status', () => {
    const event = commentCreatedSchema.parse(sampleEvent('comment.created', { parent: 3, author_url: 'HTTPS://Reader.Example/#me', status: 'hold', recheck: true }));
    assert.deepEqual([event.parent, event.author_url, event.status, event.recheck], [3, 'https://reader.example/', 'hold', true]);
    assert.equal(commentCreatedSchema.parse(sampleEvent('comment.created', { author_url: '' })).author_url, '');
    assert.equal(commentCreatedSchema.safeParse(sampleEvent('comment.created', { status: 'spam' })).success, false);
    assert.equal(commentCreatedSchema.safeParse(sampleEvent('comment.created', { author_url: 'javascript:alert(1)' })).success, false);
  });

  it('routes to moderateComment with the event, site, post and comment as search attributes, never the author', () => {
    const route = EVENT_ROUTES['comment.created'];
    assert.ok(route);
    const event = commentCreatedSchema.parse(sampleEvent('comment.created', { comment_id: 12, post_id: 7 }));
    assert.equal(route.workflowType, 'moderateComment');
    assert.equal(route.workflowId(event), event.idempotency_key);
    assert.deepEqual(
      route.searchAttributes(event).map(({ key, value }) => [key.name, value]),
      [
        ['WpEvent', 'comment.created'],
        ['WpSite', 'https://example.org/'],
        ['WpPostId', 7],
        ['WpCommentId', 12],
      ],
    );
  });

  it('lets `failed --comment-id` filter on WpCommentId', () => {
    assert.match(failedQuery({ since: '24h', commentId: 12 }), /AND WpCommentId = 12$/);
  });
});
