import type OpenAI from 'openai';
import { summarySchema, type SummarizeInput, type Summary } from '../contract/post-summary';
import { seoDescriptionSchema } from '../contract/seo-description';
import { invalidLlmOutput, MAX_INVALID_OUTPUT_ATTEMPTS } from './failures';
import { currentActivity, type LlmCall, type VersionedPrompt } from './llm-call';
import type { ActivitySettings } from './settings';
import { completeStructured } from './structured-output';

/**
 * 600 characters are about 150 tokens of English and up to 400 of scripts a tokenizer splits finely; the description's
 * 200 at most a third as many again.
 */
const SUMMARY_MAX_TOKENS = 550;

export const SUMMARY_PROMPT: VersionedPrompt = {
  name: 'post_summary',
  // 2: the summary's schema holds 600 characters (60 words), not 1 200.
  // 3: the SEO meta description in the same answer.
  version: 3,
  system:
    'You write the summary shown under a WordPress post, and its SEO meta description. Summarise the post in at most ' +
    '60 words, in the language of the post, plain text, no markdown. The description is one sentence of at most 155 ' +
    'characters, in the same language, that tells a searcher what the post offers. Answer only with the JSON object ' +
    'of the given schema.',
};

export function createSummarizeActivities(openai: () => OpenAI, llm: ActivitySettings['openai']) {
  return {
    /** The summary and the SEO description from one call, with what the call cost and which prompt wrote them. */
    async summarizePost(input: SummarizeInput): Promise<Summary & { readonly llm: LlmCall }> {
      const { value, llm: call } = await completeStructured(openai(), {
        model: llm.model,
        dialect: llm,
        maxTokens: SUMMARY_MAX_TOKENS,
        prompt: SUMMARY_PROMPT,
        user: `Title: ${input.title}\n\n${input.content}`,
        schema: summarySchema,
      });
      const description = seoDescriptionSchema.safeParse(value.description);
      if (!description.success) {
        const attempt = currentActivity()?.info.attempt ?? MAX_INVALID_OUTPUT_ATTEMPTS;
        throw invalidLlmOutput(`description ${description.error.issues[0]?.message ?? 'off schema'}`, attempt, llm.model);
      }
      return { summary: value.summary, description: description.data, llm: call };
    },
  };
}
