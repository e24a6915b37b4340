import { Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { classifyFailure, invalidLlmOutput } from './failures';

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
      const { info, cancellationSignal: signal } = Context.current();
      let completion;
      try {
        // The signal aborts the request when the attempt is cancelled (worker shutdown, heartbeat timeout).
        completion = await openai().chat.completions.parse(
          {
            model,
            temperature: 0.2,
            messages: [
              { role: 'system', content: SYSTEM_PROMPT },
              { role: 'user', content: `Title: ${input.title}\n\n${input.content}` },
            ],
            response_format: zodResponseFormat(summarySchema, 'post_summary'),
          },
          { signal },
        );
      } catch (error) {
        throw classifyFailure('LLM', error, { attempt: info.attempt, signal });
      }
      const message = completion.choices[0]?.message;
      if (message?.refusal) throw invalidLlmOutput(`the model refused: ${message.refusal.slice(0, 200)}`, info.attempt);
      if (!message?.parsed) throw invalidLlmOutput('no parsed content in the answer', info.attempt);
      return message.parsed;
    },
  };
}
