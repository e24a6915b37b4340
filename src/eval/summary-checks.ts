import { detect } from 'tinyld';

/** What a summary must be, whatever the model: in the post's language, plain text, within its word bound. */
export interface SummaryChecks {
  /** The detector's language of the summary, '' when it cannot tell. */
  readonly detectedLanguage: string;
  readonly languageKept: boolean;
  readonly noMarkdown: boolean;
  readonly words: number;
  readonly withinLength: boolean;
}

/** Headings, emphasis, list markers, links, code, tables, quotes: the marks that show raw under a post. */
const MARKDOWN = [/^\s{0,3}#{1,6}\s/m, /\*\*[^*]+\*\*/, /__[^_]+__/, /^\s*[-*+]\s+\S/m, /^\s*\d+[.)]\s+\S/m, /\[[^\]]+\]\([^)]+\)/, /`/, /^\s*>/m, /\|.*\|/];

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

export function checkSummary(summary: string, expected: { lang: string; maxWords: number }): SummaryChecks {
  const detectedLanguage = detect(summary);
  const words = countWords(summary);
  return {
    detectedLanguage,
    languageKept: detectedLanguage === expected.lang,
    noMarkdown: !MARKDOWN.some((pattern) => pattern.test(summary)),
    words,
    withinLength: words <= expected.maxWords,
  };
}
