/**
 * A small model that loses its way repeats itself ("The post explains retries. The post explains retries. ...")
 * until a length limit stops it; the answer fits the schema but says nothing more than its first sentence. Such an
 * answer is refused (InvalidLlmOutput) so that it is retried, rather than written back.
 */
const MIN_SENTENCE_WORDS = 4;
const NGRAM = 4;
const MAX_NGRAM_REPEATS = 2;

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** What is degenerate about `text` (a sentence or a run of words repeated), or undefined when nothing is. */
export function repetitionIn(text: string): string | undefined {
  const seen = new Set<string>();
  for (const sentence of text.split(/(?<=[.!?。！？])\s*/u)) {
    const key = words(sentence).join(' ');
    if (key.split(' ').length < MIN_SENTENCE_WORDS) continue;
    if (seen.has(key)) return `the sentence "${sentence.trim().slice(0, 80)}" is repeated`;
    seen.add(key);
  }
  // Repetition without sentence ends (cut off by a length limit): the same few words over and over.
  const all = words(text);
  const counts = new Map<string, number>();
  for (let i = 0; i + NGRAM <= all.length; i++) {
    const key = all.slice(i, i + NGRAM).join(' ');
    const count = (counts.get(key) ?? 0) + 1;
    if (count > MAX_NGRAM_REPEATS) return `the words "${key}" are repeated ${count} times`;
    counts.set(key, count);
  }
  return undefined;
}

/** The first degenerate string anywhere in a structured answer, with its field's path. */
export function degenerateField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') {
    const problem = repetitionIn(value);
    return problem && `${path || 'the answer'}: ${problem}`;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const problem = degenerateField(inner, path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
  }
  return undefined;
}
