import { rawTextBound } from '../contract/events';
import { parseEvent } from '../src/webhooks/parse-event';
import { sampleEvent } from '../src/webhooks/sample-events';
import { stripHtml } from '../contract/sanitize';

/** A WordPress post as the block editor stores it: block comments, paragraphs, entities, a script. */
const NORMAL_POST = `<!-- wp:paragraph --><p>Hello &amp; welcome to <strong>WordPress</strong>&#8217;s <a href="/x">world</a>.</p><!-- /wp:paragraph --><script>alert(1)</script>`.repeat(20);

const INPUTS: Record<string, string> = {
  "`<!--` × 60 000 (the issue's title)": '<!--'.repeat(60_000),
  '`<!--` × 120 000': '<!--'.repeat(120_000),
  '`<a` × 120 000': '<a'.repeat(120_000),
  '`<` × 480 000': '<'.repeat(480_000),
  [`normal post (${NORMAL_POST.length} characters)`]: NORMAL_POST,
  'title with entities': 'Hello world &#8211; it&#8217;s <em>here</em>',
};

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

/**
 * Times stripHtml on hostile and normal inputs (doubling an input should double the time: the tokenizer is one
 * pass), and a whole parseEvent of the title, which is now refused before any stripping. Printed, never
 * asserted; one JSON line each.
 */
export function benchHtmlStrip(print: (line: object) => void): void {
  for (let i = 0; i < 200; i += 1) stripHtml(NORMAL_POST); // warm the JIT
  for (const [input, html] of Object.entries(INPUTS)) {
    const repeat = html.length > 10_000 ? 3 : 500;
    const started = process.hrtime.bigint();
    for (let i = 0; i < repeat; i += 1) stripHtml(html);
    print({ scenario: 'html-strip', input, ms_per_call: Math.round((ms(started) / repeat) * 1000) / 1000 });
  }
  const hostile = Buffer.from(JSON.stringify(sampleEvent('post.published', { title: '<!--'.repeat(60_000) })));
  const started = process.hrtime.bigint();
  let refusal = '';
  try {
    parseEvent(hostile, { scheme: 'wp', idempotencyKey: JSON.parse(hostile.toString()).idempotency_key as string, keyId: undefined });
  } catch (error) {
    refusal = (error as Error).message;
  }
  print({ scenario: 'html-strip', input: "parseEvent of the issue's event", ms: Math.round(ms(started) * 1000) / 1000, raw_bound: rawTextBound(1000), answer: refusal });
}
