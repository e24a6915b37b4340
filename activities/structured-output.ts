import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { z } from 'zod';
import { classifyFailure, invalidLlmOutput, MAX_INVALID_OUTPUT_ATTEMPTS } from './failures';
import { countTokens, currentActivity, llmCall, type LlmCall, type VersionedPrompt } from './llm-call';

export interface StructuredRequest<S extends z.ZodType> {
  readonly model: string;
  /** The system prompt; its name also names the schema in the request and in errors. */
  readonly prompt: VersionedPrompt;
  readonly user: string;
  readonly schema: S;
  readonly temperature?: number;
}

export interface StructuredAnswer<T> {
  readonly value: T;
  readonly llm: LlmCall;
}

/**
 * One chat completion with a structured output (`zodResponseFormat`), checked by zod. Inside an activity the
 * attempt's cancellation signal aborts the request (worker shutdown, heartbeat timeout) and the tokens are counted
 * in the worker's metrics; outside one (`relay eval`) the call is a single, last attempt. Failures are classified
 * in failures.ts, where an answer that breaks the schema is `InvalidLlmOutput`, non-retryable from its last attempt.
 */
export async function completeStructured<S extends z.ZodType>(
  openai: OpenAI,
  request: StructuredRequest<S>,
): Promise<StructuredAnswer<z.infer<S>>> {
  const activity = currentActivity();
  const attempt = activity?.info.attempt ?? MAX_INVALID_OUTPUT_ATTEMPTS;
  const signal = activity?.cancellationSignal;
  const { name } = request.prompt;
  let completion;
  try {
    completion = await openai.chat.completions.parse(
      {
        model: request.model,
        temperature: request.temperature ?? 0.2,
        messages: [
          { role: 'system', content: request.prompt.system },
          { role: 'user', content: request.user },
        ],
        response_format: zodResponseFormat(request.schema, name),
      },
      signal ? { signal } : {},
    );
  } catch (error) {
    throw classifyFailure('LLM', error, { attempt, ...(signal ? { signal } : {}) });
  }
  const llm = llmCall(request.prompt, completion.model || request.model, completion.usage);
  // Counted before the output is checked: an answer off the schema cost as much as a good one.
  if (activity) countTokens(activity, llm);
  const message = completion.choices[0]?.message;
  if (message?.refusal) throw invalidLlmOutput(`the model refused: ${message.refusal.slice(0, 200)}`, attempt);
  if (!message?.parsed) throw invalidLlmOutput(`no parsed ${name} in the answer`, attempt);
  return { value: message.parsed as z.infer<S>, llm };
}
