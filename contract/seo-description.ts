import { z } from 'zod';

/** What search engines show of a meta description (Yoast and Rank Math warn past it): the relay never writes more. */
export const SEO_DESCRIPTION_MAX = 155;

/**
 * The model is asked for at most 155 characters; models count badly, so its answer may run a little longer, and is
 * cut. The bound is in the answer's JSON schema, where a constrained server (llama.cpp's grammar) stops a small model
 * that would ramble on, repeating itself, until its token limit.
 */
export const DESCRIPTION_ANSWER_MAX = 200;

const ELLIPSIS = '…';
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * The description on one line, cut at the last word boundary that leaves room for an ellipsis when it is too long.
 * Intl.Segmenter finds word boundaries in scripts without spaces too (Chinese, Japanese, Thai). A single "word"
 * longer than the bound has no boundary to cut at: the result is empty, and the schema refuses it.
 */
export function cutAtWord(text: string, max = SEO_DESCRIPTION_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  let cut = 0;
  for (const { index, segment } of words.segment(line)) {
    const end = index + segment.length;
    if (end > max - ELLIPSIS.length) break;
    cut = end;
  }
  // Trailing spaces and punctuation (a comma, a dash, an opening quote) would sit oddly before the ellipsis.
  const kept = line.slice(0, cut).replace(/[\s\p{P}]+$/u, '');
  return kept === '' ? '' : `${kept}${ELLIPSIS}`;
}

/** The model's description as the relay writes it back: one line, at most 155 characters, never cut mid-word. */
export const seoDescriptionSchema = z
  .string()
  .transform((text) => cutAtWord(text))
  .pipe(z.string().min(1, 'has no word boundary within 155 characters').max(SEO_DESCRIPTION_MAX));
