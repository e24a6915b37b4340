import type OpenAI from 'openai';
import { summarySchema, type SummarizeInput, type Summary } from '../contract/post-summary';
import type { LlmCall, VersionedPrompt } from './llm-call';
import type { ActivitySettings } from './settings';
import { completeStructured } from './structured-output';

/** 600 characters are about 150 tokens of English and up to 400 of scripts a tokenizer splits finely. */
const SUMMARY_MAX_TOKENS = 400;

export const SUMMARY_PROMPT: VersionedPrompt = {
  name: 'post_summary',
  // 2: the summary's schema holds 600 characters (60 words), not 1 200.
  version: 2,
  system:
    'You write the summary shown under a WordPress post. Summarise the post in at most 60 words, in the language of ' +
    'the post, plain text, no markdown. Answer only with the JSON object of the given schema.',
};

export function createSummarizeActivities(openai: () => OpenAI, llm: ActivitySettings['openai']) {
  return {
    /** The summary, with what the call cost and which prompt wrote it. */
    async summarizePost(input: SummarizeInput): Promise<Summary & { readonly llm: LlmCall }> {
      const { value, llm: call } = await completeStructured(openai(), {
        model: llm.model,
        dialect: llm,
        maxTokens: SUMMARY_MAX_TOKENS,
        prompt: SUMMARY_PROMPT,
        user: `Title: ${input.title}\n\n${input.content}`,
        schema: summarySchema,
      });
      return { ...value, llm: call };
    },
  };
}
