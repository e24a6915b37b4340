import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spamPolicySettings } from '../../src/eval/format-report';
import { classify, percentile } from '../../src/eval/metrics';
import { EvalSetError, parseSet, readSet } from '../../src/eval/sets';
import { checkSummary, countWords } from '../../src/eval/summary-checks';

describe('eval metrics', () => {
  // Six items: two spam (one answered ok), two ok (one answered spam), one question answered right, one toxic
  // without a valid answer.
  const outcomes = [
    { expected: 'spam', predicted: 'spam' },
    { expected: 'spam', predicted: 'ok' },
    { expected: 'ok', predicted: 'ok' },
    { expected: 'ok', predicted: 'spam' },
    { expected: 'question', predicted: 'question' },
    { expected: 'toxic', predicted: null },
  ] as const;
  const result = classify(['spam', 'toxic', 'question', 'ok'] as const, outcomes);

  it('counts each expected label against each answer, with invalid answers in a column of their own', () => {
    assert.deepEqual(result.confusion, {
      spam: { spam: 1, toxic: 0, question: 0, ok: 1, invalid: 0 },
      toxic: { spam: 0, toxic: 0, question: 0, ok: 0, invalid: 1 },
      question: { spam: 0, toxic: 0, question: 1, ok: 0, invalid: 0 },
      ok: { spam: 1, toxic: 0, question: 0, ok: 1, invalid: 0 },
    });
  });

  it('gives precision over the answers of a label and recall over the items that carry it', () => {
    assert.deepEqual(result.perLabel.spam, { support: 2, predicted: 2, truePositives: 1, precision: 0.5, recall: 0.5 });
    assert.deepEqual(result.perLabel.question, { support: 1, predicted: 1, truePositives: 1, precision: 1, recall: 1 });
    assert.equal(result.accuracy, 3 / 6);
  });

  it('has no precision for a label never answered, and an invalid answer costs its label recall', () => {
    assert.deepEqual(result.perLabel.toxic, { support: 1, predicted: 0, truePositives: 0, precision: null, recall: 0 });
  });

  it('refuses an expected label outside the label set', () => {
    assert.throws(() => classify(['spam', 'ok'] as const, [{ expected: 'toxic' as 'spam', predicted: 'spam' }]), RangeError);
  });

  it('states the spam precision for the policy rounded down, never more than measured', () => {
    assert.equal(spamPolicySettings(48 / 49, 'm'), 'MODERATION_SPAM_PRECISION=0.979 MODERATION_SPAM_PRECISION_MODEL=m');
    assert.equal(spamPolicySettings(1, 'SmolLM2'), 'MODERATION_SPAM_PRECISION=1.000 MODERATION_SPAM_PRECISION_MODEL=SmolLM2');
  });

  it('takes nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
    assert.equal(percentile([], 50), null);
  });
});

describe('summary checks', () => {
  it('passes a plain summary in the post\'s language within the bound', () => {
    const checks = checkSummary('Die Radtour von Trier nach Bernkastel ist flach, gut ausgeschildert und in zwei Tagen auch mit Kindern machbar.', { lang: 'de', maxWords: 60 });
    assert.deepEqual([checks.languageKept, checks.noMarkdown, checks.withinLength], [true, true, true]);
  });

  it('flags a summary in another language, with markdown, or over the word bound', () => {
    const english = 'The bike ride from Trier to Bernkastel is flat, well signposted and easy to do in two days with children.';
    assert.equal(checkSummary(english, { lang: 'de', maxWords: 60 }).languageKept, false);
    assert.equal(checkSummary(`**Summary:** ${english}`, { lang: 'en', maxWords: 60 }).noMarkdown, false);
    assert.equal(checkSummary(`- ${english}`, { lang: 'en', maxWords: 60 }).noMarkdown, false);
    assert.equal(checkSummary(english, { lang: 'en', maxWords: 10 }).withinLength, false);
    assert.equal(countWords('one two — three'), 3);
  });
});

describe('eval sets', () => {
  it('ships at least 200 comments of every label in several languages, with prompt-injection attempts', () => {
    const comments = readSet('comments');
    assert.ok(comments.length >= 200, `${comments.length} comments`);
    for (const label of ['spam', 'toxic', 'question', 'ok']) {
      assert.ok(comments.filter((c) => c.label === label).length >= 30, `at least 30 ${label} comments`);
    }
    assert.ok(new Set(comments.map((c) => c.lang)).size >= 5, 'five languages or more');
    assert.ok(comments.filter((c) => c.tags.includes('injection')).length >= 8, 'prompt-injection attempts');
    assert.equal(new Set(comments.map((c) => c.content)).size, comments.length, 'no comment twice');
  });

  it('ships 50 leads covering every intent and 20 posts in several languages', () => {
    const leads = readSet('leads');
    assert.equal(leads.length, 50);
    assert.equal(new Set(leads.map((l) => l.intent)).size, 8);
    const posts = readSet('posts');
    assert.equal(posts.length, 20);
    assert.ok(new Set(posts.map((p) => p.lang)).size >= 5);
  });

  it('interleaves the labels, so a slice of four holds every comment label and a slice of eight every lead intent', () => {
    assert.equal(new Set(readSet('comments').slice(0, 4).map((c) => c.label)).size, 4);
    assert.equal(new Set(readSet('leads').slice(0, 8).map((l) => l.intent)).size, 8);
  });

  it('names the line and the field of an item that does not fit the schema, and refuses a repeated id', () => {
    const good = JSON.stringify({ id: 'a', lang: 'en', label: 'ok', content: 'Nice.' });
    assert.throws(
      () => parseSet('comments', `${good}\n${JSON.stringify({ id: 'b', lang: 'en', label: 'rude', content: 'x' })}`, 'mine.jsonl'),
      (error) => error instanceof EvalSetError && /^mine\.jsonl:2: not a comments item/.test(error.message) && /label/.test(error.message),
    );
    assert.throws(() => parseSet('comments', `${good}\n${good}`, 'mine.jsonl'), /mine\.jsonl:2: id a appears twice/);
    assert.throws(() => parseSet('comments', '{', 'mine.jsonl'), /mine\.jsonl:1: not JSON/);
  });
});
