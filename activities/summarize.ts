import { ApplicationFailure, Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { classifyFailure } from './failures';

export const summarySchema = z.object({
  summary: z.string().min(1).max(1200),
});
export type Summary = z.infer<typeof summarySchema>;

/** An LLM that keeps answering off-schema is not going to recover by itself; stop after this many tries. */
export const MAX_INVALID_OUTPUT_ATTEMPTS = 3;

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
      let completion;
      try {
        completion = await openai().chat.completions.parse({
          model,
          temperature: 0.2,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: `Title: ${input.title}\n\n${input.content}` },
          ],
          response_format: zodResponseFormat(summarySchema, 'post_summary'),
        });
      } catch (error) {
        // The SDK parses the answer itself: JSON.parse throws SyntaxError, the schema a ZodError, and a cut-off
        // or filtered answer its own OpenAIError subclasses; all are the model's output, not the transport.
        if (error instanceof SyntaxError || error instanceof z.ZodError) throw invalidOutput(error.message);
        if (error instanceof LengthFinishReasonError || error instanceof ContentFilterFinishReasonError) {
          throw invalidOutput(error.message);
        }
        throw classifyFailure('LLM', error);
      }
      const message = completion.choices[0]?.message;
      if (message?.refusal) throw invalidOutput(`the model refused: ${message.refusal.slice(0, 200)}`);
      if (!message?.parsed) throw invalidOutput('no parsed content in the answer');
      return message.parsed;
    },
  };
}

function invalidOutput(reason: string): ApplicationFailure {
  const { attempt } = Context.current().info;
  return ApplicationFailure.create({
    type: 'InvalidLlmOutput',
    message: `the LLM's answer does not match the summary schema (attempt ${attempt} of ${MAX_INVALID_OUTPUT_ATTEMPTS}): ${reason}`,
    nonRetryable: attempt >= MAX_INVALID_OUTPUT_ATTEMPTS,
  });
}
