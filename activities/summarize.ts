import type OpenAI from 'openai';
import { z } from 'zod';
import type { LlmCall, VersionedPrompt } from './llm-call';
import { completeStructured } from './structured-output';

export const summarySchema = z.object({
  summary: z.string().min(1).max(1200),
});
export type Summary = z.infer<typeof summarySchema>;

export const SUMMARY_PROMPT: VersionedPrompt = {
  name: 'post_summary',
  version: 1,
  system:
    'You write the summary shown under a WordPress post. Summarise the post in at most 60 words, in the language of ' +
    'the post, plain text, no markdown. Answer only with the JSON object of the given schema.',
};

export interface SummarizeInput {
  readonly title: string;
  readonly content: string;
}

export function createSummarizeActivities(openai: () => OpenAI, model: string) {
  return {
    /** The summary, with what the call cost and which prompt wrote it. */
    async summarizePost(input: SummarizeInput): Promise<Summary & { readonly llm: LlmCall }> {
      const { value, llm } = await completeStructured(openai(), {
        model,
        prompt: SUMMARY_PROMPT,
        user: `Title: ${input.title}\n\n${input.content}`,
        schema: summarySchema,
      });
      return { ...value, llm };
    },
  };
}
