import type { ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';

/**
 * The model's confidence in the label it wrote, measured rather than asked for: the probability of the label's
 * tokens, exp(sum of their log-probabilities), from the server's `logprobs` (OpenAI's and llama.cpp's chat APIs
 * return them per output token). llama.cpp reports the model's distribution before its grammar constrains it, so
 * a label the schema forced out of an unwilling model gets a low figure, as it should. Null (unknown) when the
 * server sent none, or its tokens do not spell the answer's label where JSON puts it.
 */
export function labelConfidence(tokens: readonly Pick<ChatCompletionTokenLogprob, 'token' | 'logprob'>[] | null | undefined, label: string): number | null {
  if (!tokens || tokens.length === 0) return null;
  const text = tokens.map((t) => t.token).join('');
  const match = /"label"\s*:\s*"([^"]*)"/.exec(text);
  if (!match || match[1] !== label) return null;
  const start = match.index + match[0].length - label.length - 1;
  const end = start + label.length;
  let offset = 0;
  let sum = 0;
  for (const { token, logprob } of tokens) {
    const tokenEnd = offset + token.length;
    if (tokenEnd > start && offset < end) {
      if (typeof logprob !== 'number' || !Number.isFinite(logprob)) return null;
      sum += logprob;
    }
    offset = tokenEnd;
    if (offset >= end) break;
  }
  return Math.min(1, Math.max(0, Math.exp(sum)));
}
