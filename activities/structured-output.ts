import { Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { z } from 'zod';
import { classifyFailure, invalidLlmOutput, originOf } from './failures';

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
 * One chat completion with a structured output (`zodResponseFormat`), checked by zod, inside an activity. The
 * attempt's cancellation signal aborts the request (worker shutdown, heartbeat timeout); failures are classified in
 * failures.ts, where an answer that breaks the schema is `InvalidLlmOutput`, non-retryable from its last attempt.
 */
export async function completeStructured<S extends z.ZodType>(openai: OpenAI, request: StructuredRequest<S>): Promise<z.infer<S>> {
  const { info, cancellationSignal: signal } = Context.current();
  let completion;
  try {
    completion = await openai.chat.completions.parse(
      {
        model: request.model,
        temperature: request.temperature ?? 0.2,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.user },
        ],
        response_format: zodResponseFormat(request.schema, request.name),
      },
      { signal },
    );
  } catch (error) {
    throw classifyFailure('LLM', error, { attempt: info.attempt, signal, origin: originOf(openai.baseURL) });
  }
  const message = completion.choices[0]?.message;
  if (message?.refusal) throw invalidLlmOutput(`the model refused: ${message.refusal.slice(0, 200)}`, info.attempt);
  if (!message?.parsed) throw invalidLlmOutput(`no parsed ${request.name} in the answer`, info.attempt);
  return message.parsed as z.infer<S>;
}
