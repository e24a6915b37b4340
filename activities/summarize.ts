import type OpenAI from 'openai';
import { z } from 'zod';
import { completeStructured } from './structured-output';

export const summarySchema = z.object({
  summary: z.string().min(1).max(1200),
});
export type Summary = z.infer<typeof summarySchema>;

const SYSTEM_PROMPT =
  'You write the summary shown under a WordPress post. Summarise the post in at most 60 words, in the language of ' +
  'the post, plain text, no markdown. Answer only with the JSON object of the given schema.';

export interface SummarizeInput {
  readonly title: string;
  readonly content: string;
}

export function createSummarizeActivities(openai: () => OpenAI, model: string) {
  return {
    async summarizePost(input: SummarizeInput): Promise<Summary> {
      return completeStructured(openai(), {
        model,
        system: SYSTEM_PROMPT,
        user: `Title: ${input.title}\n\n${input.content}`,
        schema: summarySchema,
        name: 'post_summary',
      });
    },
  };
}
