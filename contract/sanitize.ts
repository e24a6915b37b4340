import { Parser } from 'htmlparser2';

/** Elements whose content is code or styling, never text. */
const NOT_TEXT = new Set(['script', 'style', 'template', 'noscript']);

/** Phrasing elements: `<b>Bar</b>&#8217;s` is one word, so these do not separate words as other tags do. */
const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var']);

/**
 * Plain text from WordPress HTML: tags, comments and scripts dropped, entities decoded (WordPress stores titles
 * with `&#8217;` and friends), whitespace collapsed. Enough for text we store or show an LLM, not an HTML sanitiser.
 * htmlparser2's tokenizer is a single pass: hostile input (`<!--` × 60 000, unclosed tags) costs linear time,
 * where the regular expressions this replaced backtracked quadratically and stalled the event loop for seconds.
 */
export function stripHtml(html: string): string {
  const parts: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (NOT_TEXT.has(name)) hidden += 1;
        if (!INLINE.has(name)) parts.push(' '); // other tags separate words: "a<br>b" is "a b"
      },
      onclosetag(name) {
        if (NOT_TEXT.has(name) && hidden > 0) hidden -= 1;
        if (!INLINE.has(name)) parts.push(' ');
      },
      oncomment() {
        parts.push(' '); // WordPress block comments sit between blocks
      },
      ontext(text) {
        if (hidden === 0) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** A canonical http(s) URL: lowercase scheme and host, default port and fragment dropped. */
export function normalizeUrl(value: string): string {
  const url = new URL(value);
  url.hash = '';
  return url.toString();
}
