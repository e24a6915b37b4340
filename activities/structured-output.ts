import { ApplicationFailure, Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { classifyFailure } from './failures';

/** An LLM that keeps answering off-schema is not going to recover by itself; stop after this many tries. */
export const MAX_INVALID_OUTPUT_ATTEMPTS = 3;

export interface StructuredRequest<S extends z.ZodType> {
  readonly model: string;
  readonly system: string;
  readonly user: string;
  readonly schema: S;
  /** The schema's name in the request, e.g. `post_summary`; also names it in errors. */
  readonly name: string;
  readonly temperature?: number;
}

/**
 * One chat completion with a structured output (`zodResponseFormat`), checked by zod. Transport failures are
 * classified as usual; an answer that breaks the schema is `InvalidLlmOutput`, non-retryable from the
 * MAX_INVALID_OUTPUT_ATTEMPTS-th attempt.
 */
export async function completeStructured<S extends z.ZodType>(openai: OpenAI, request: StructuredRequest<S>): Promise<z.infer<S>> {
  let completion;
  try {
    completion = await openai.chat.completions.parse({
      model: request.model,
      temperature: request.temperature ?? 0.2,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      response_format: zodResponseFormat(request.schema, request.name),
    });
  } catch (error) {
    // The SDK parses the answer itself: JSON.parse throws SyntaxError, the schema a ZodError, and a cut-off
    // or filtered answer its own OpenAIError subclasses; all are the model's output, not the transport.
    if (error instanceof SyntaxError || error instanceof z.ZodError) throw invalidOutput(request.name, error.message);
    if (error instanceof LengthFinishReasonError || error instanceof ContentFilterFinishReasonError) {
      throw invalidOutput(request.name, error.message);
    }
    throw classifyFailure('LLM', error);
  }
  const message = completion.choices[0]?.message;
  if (message?.refusal) throw invalidOutput(request.name, `the model refused: ${message.refusal.slice(0, 200)}`);
  if (!message?.parsed) throw invalidOutput(request.name, 'no parsed content in the answer');
  return message.parsed as z.infer<S>;
}

function invalidOutput(schemaName: string, reason: string): ApplicationFailure {
  const { attempt } = Context.current().info;
  return ApplicationFailure.create({
    type: 'InvalidLlmOutput',
    message: `the LLM's answer does not match the ${schemaName} schema (attempt ${attempt} of ${MAX_INVALID_OUTPUT_ATTEMPTS}): ${reason}`,
    nonRetryable: attempt >= MAX_INVALID_OUTPUT_ATTEMPTS,
  });
}
