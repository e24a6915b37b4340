import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../src/errors/http-error';
import { rawTextBound } from '../../contract/events';
import { parseEvent } from '../../src/webhooks/parse-event';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { stripHtml } from '../../contract/sanitize';

const parse = (event: Record<string, unknown>) =>
  parseEvent(Buffer.from(JSON.stringify(event)), { scheme: 'wp', idempotencyKey: String(event.idempotency_key), keyId: undefined });

/** Timings of these inputs are in docs/performance.md ("Hostile input"), measured once; never asserted here. */
describe('HTML stripping', () => {
  it('keeps the text of WordPress HTML: tags separate words, entities decoded, scripts and comments dropped', () => {
    assert.equal(stripHtml('<p>Caf&#233; &amp; <b>Bar</b>&#8217;s</p><p>next&nbsp;line</p>'), 'Café & Bar’s next line');
    assert.equal(stripHtml('a<br>b<!-- wp:paragraph -->c<!-- /wp:paragraph -->'), 'a b c');
    assert.equal(stripHtml('x<script>alert("<p>1</p>")</script><style>p{}</style>y'), 'x y');
    assert.equal(stripHtml('&lt;not a tag&gt; &hellip; &#x1F600;'), '<not a tag> … 😀');
  });

  it('turns hostile markup into its text, not into an error: unclosed comments, tags and attributes', () => {
    assert.equal(stripHtml('<!--'.repeat(60_000)), '');
    assert.equal(stripHtml('<a'.repeat(10_000)), '');
    assert.equal(stripHtml(`ok <p title="${'"'.repeat(1000)}`), 'ok');
    assert.equal(stripHtml('<script>never closed'), '');
  });

  it("refuses the issue's title of `<!--` × 60 000 before stripping it: the raw field is bounded first", () => {
    let error: unknown;
    try {
      parse(sampleEvent('post.published', { title: '<!--'.repeat(60_000) }));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'invalid_payload');
    assert.match(error.reason, new RegExp(`title: must be at most ${rawTextBound(1000)} characters before HTML is stripped`));
  });

  it('strips a field that is all markup up to its raw bound, and still limits the text kept', () => {
    const markup = '<p>x</p>'.repeat(500).padEnd(rawTextBound(1000), ' ');
    const parsed = parse(sampleEvent('post.published', { title: markup }));
    assert.equal(parsed.event === 'post.published' && parsed.title, 'x '.repeat(500).trim());
    assert.throws(() => parse(sampleEvent('post.published', { title: '<p>x</p>'.repeat(600) })), /title: Too big/);
  });
});
