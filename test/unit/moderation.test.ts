import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoSpamMode, isNonCommittal, moderationAction, type CommentVerdict } from '../../contract/moderation-policy';
import { failedQuery } from '../../src/cli/failed-runs';
import { ConfigError, loadConfig } from '../../src/config/config';
import { EVENT_ROUTES } from '../../src/temporal/event-routes';
import { commentCreatedSchema } from '../../contract/events';
import { sampleEvent } from '../../src/webhooks/sample-events';

const MODEL = 'gpt-4o-mini';
const moderationOf = (env: Record<string, string> = {}) => loadConfig({ OPENAI_MODEL: MODEL, ...env }).moderation;
const defaults = moderationOf();
const manual = autoSpamMode(defaults, MODEL);
const measured = { MODERATION_AUTO_SPAM: 'true', MODERATION_SPAM_PRECISION: '0.99', MODERATION_SPAM_PRECISION_MODEL: MODEL };
const calibrated = moderationOf(measured);
const automatic = autoSpamMode(calibrated, MODEL);
const verdict = (label: CommentVerdict['label'], confidence: number | null, reason = 'Sells watches with a link, unrelated to the post.') => ({ label, confidence, reason });

describe('comment moderation policy', () => {
  it('never moves a comment to Spam by default, however confident: it holds spam for a human and says why', () => {
    assert.equal(manual.enabled, false);
    assert.match(manual.why, /MODERATION_AUTO_SPAM is off/);
    assert.deepEqual(moderationAction(verdict('spam', 1), defaults, manual), { action: 'hold', why: manual.why });
  });

  it('moves confident spam to Spam only when the site enables it and the model\'s measured spam precision meets the bar', () => {
    assert.equal(automatic.enabled, true);
    assert.match(automatic.why, /gpt-4o-mini's measured spam precision 0\.99 meets the 0\.98 required/);
    assert.equal(moderationAction(verdict('spam', 0.95), calibrated, automatic).action, 'spam');
    assert.equal(moderationAction(verdict('spam', 0.79), calibrated, automatic).action, 'hold', 'below the spam threshold');
  });

  it('keeps automatic Spam off when the precision is unmeasured, measured for another model, or below the bar', () => {
    const unmeasured = autoSpamMode(moderationOf({ MODERATION_AUTO_SPAM: 'true' }), MODEL);
    assert.deepEqual([unmeasured.enabled, /no spam precision was measured for gpt-4o-mini/.test(unmeasured.why)], [false, true]);
    const otherModel = autoSpamMode(calibrated, 'SmolLM2-135M-Instruct');
    assert.deepEqual([otherModel.enabled, /measured for gpt-4o-mini, not for the configured SmolLM2-135M-Instruct/.test(otherModel.why)], [false, true]);
    const low = autoSpamMode(moderationOf({ ...measured, MODERATION_SPAM_PRECISION: '0.979' }), MODEL);
    assert.deepEqual([low.enabled, /0\.979 is below the 0\.98 required/.test(low.why)], [false, true]);
    const siteBar = autoSpamMode(moderationOf({ ...measured, MODERATION_MIN_SPAM_PRECISION: '0.995' }), MODEL);
    assert.equal(siteBar.enabled, false, 'the site may ask for more than 0.98');
    assert.equal(autoSpamMode(moderationOf({ ...measured, MODERATION_AUTO_SPAM: 'false' }), MODEL).enabled, false);
  });

  it('treats an unknown confidence (no log-probabilities) as uncalibrated: spam and toxic are held, question and ok change nothing', () => {
    assert.equal(moderationAction(verdict('spam', null), calibrated, automatic).action, 'hold');
    assert.match(moderationAction(verdict('spam', null), calibrated, automatic).why, /no log-probabilities/);
    assert.equal(moderationAction(verdict('toxic', null, 'Calls the author an idiot.'), calibrated, automatic).action, 'hold');
    assert.equal(moderationAction(verdict('question', null, 'Asks how to set the timeout.'), calibrated, automatic).action, 'keep');
    assert.equal(moderationAction(verdict('ok', null, 'Thanks the author for the post.'), calibrated, automatic).action, 'keep');
  });

  it('counts an empty or non-committal reason as no verdict, held for a human whatever the label and confidence', () => {
    for (const reason of ['no', 'No.', 'no response', 'n/a', 'N/A', 'spam', '...', 'none', 'ok!', 'bad']) {
      assert.deepEqual(moderationAction(verdict('spam', 0.99, reason), calibrated, automatic), { action: 'hold', why: 'no verdict: the model gave no reason anyone could check' }, reason);
    }
    assert.equal(isNonCommittal('Asks how to set the timeout.'), false);
    assert.equal(isNonCommittal('Werbung für Uhren.'), false);
    assert.equal(isNonCommittal('广告链接。'), false);
  });

  it('holds confident toxicity, keeps confident questions and ok comments, and holds anything below its label\'s threshold', () => {
    assert.equal(moderationAction(verdict('toxic', 0.95, 'Insults the author.'), defaults, manual).action, 'hold');
    assert.equal(moderationAction(verdict('question', 0.95, 'Asks about retries.'), defaults, manual).action, 'keep');
    assert.equal(moderationAction(verdict('ok', 0.6, 'Thanks the author.'), defaults, manual).action, 'keep', 'at the threshold');
    assert.equal(moderationAction(verdict('ok', 0.59, 'Thanks the author.'), defaults, manual).action, 'hold');
  });

  it('takes thresholds and the precision bar from configuration and refuses values outside 0-1', () => {
    const strict = moderationOf({ ...measured, MODERATION_SPAM_THRESHOLD: '0.99' });
    assert.equal(moderationAction(verdict('spam', 0.95), strict, autoSpamMode(strict, MODEL)).action, 'hold');
    for (const name of ['MODERATION_TOXIC_THRESHOLD', 'MODERATION_SPAM_PRECISION', 'MODERATION_MIN_SPAM_PRECISION']) {
      assert.throws(
        () => loadConfig({ [name]: '1.5' }),
        (error) => error instanceof ConfigError && error.problems.some((p) => p.startsWith(name)),
      );
    }
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
