import type OpenAI from 'openai';
import { completeStructured } from './structured-output';
import { summarySchema, type SummarizeInput, type Summary } from '../contract/post-summary';

const SYSTEM_PROMPT =
  'You write the summary shown under a WordPress post. Summarise the post in at most 60 words, in the language of ' +
  'the post, plain text, no markdown. Answer only with the JSON object of the given schema.';

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
