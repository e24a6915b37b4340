import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutAtWord, SEO_DESCRIPTION_MAX, seoDescriptionSchema } from '../../contract/seo-description';

describe('the SEO description: at most 155 characters, never cut mid-word', () => {
  it('keeps a description that fits as it is, on one line', () => {
    assert.equal(seoDescriptionSchema.parse('  Retries live in Temporal,\n not in a queue. '), 'Retries live in Temporal, not in a queue.');
  });

  it('cuts a long one after the last whole word that fits, with an ellipsis, within 155 characters', () => {
    const text = 'Temporal retries every failed activity with backoff until it succeeds, so a webhook accepted once is summarised once even when the model is down for an hour or more.';
    assert.ok(text.length > SEO_DESCRIPTION_MAX);
    const cut = seoDescriptionSchema.parse(text);
    assert.ok(cut.length <= SEO_DESCRIPTION_MAX, `${cut.length} characters`);
    assert.ok(cut.endsWith('…'));
    const kept = cut.slice(0, -1);
    assert.ok(text.startsWith(kept));
    assert.match(text.slice(kept.length), /^[\s,]/, 'the cut falls between words');
    // The next word did not fit: the cut kept as much as the bound allows.
    const nextWord = text.slice(kept.length).match(/^[\s,]*\S+/)![0];
    assert.ok(kept.length + nextWord.length + 1 > SEO_DESCRIPTION_MAX);
  });

  it('drops the punctuation the cut leaves hanging before the ellipsis', () => {
    assert.equal(cutAtWord('one two, three four', 12), 'one two…');
  });

  it('cuts text without spaces at a word boundary too (Japanese)', () => {
    const text = '東京の天気は晴れです。'.repeat(20);
    const cut = seoDescriptionSchema.parse(text);
    assert.ok(cut.length <= SEO_DESCRIPTION_MAX);
    const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
    const boundaries = new Set([...segmenter.segment(text)].map((s) => s.index));
    assert.ok(boundaries.has(cut.length - 1), 'the kept text ends where a word ends');
  });

  it('refuses a single word longer than the bound rather than cutting it', () => {
    const result = seoDescriptionSchema.safeParse('x'.repeat(200));
    assert.equal(result.success, false);
    assert.match(result.error!.issues[0]!.message, /no word boundary within 155 characters/);
  });
});
