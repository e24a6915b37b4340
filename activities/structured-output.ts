import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { degenerateField } from './degenerate-output';
import { classifyFailure, invalidLlmOutput, MAX_INVALID_OUTPUT_ATTEMPTS, originOf } from './failures';
import { countTokens, currentActivity, llmCall, type LlmCall, type VersionedPrompt } from './llm-call';
import type { ActivitySettings } from './settings';

/** How the configured server is asked for structured output and for a bounded answer (docs/llm-servers.md). */
export type LlmDialect = Pick<ActivitySettings['openai'], 'structuredOutput' | 'maxTokensField'>;

export interface StructuredRequest<S extends z.ZodType> {
  readonly model: string;
  readonly dialect: LlmDialect;
  /** The system prompt; its name also names the schema in the request and in errors. */
  readonly prompt: VersionedPrompt;
  readonly user: string;
  readonly schema: S;
  /** The most output tokens the step's brief can need: a model that rambles is cut off and its answer refused. */
  readonly maxTokens: number;
  readonly temperature?: number;
  /** Ask for each output token's log-probability (label-confidence.ts measures a verdict's confidence from them). */
  readonly logprobs?: boolean;
}

export interface StructuredAnswer<T> {
  readonly value: T;
  readonly llm: LlmCall;
  /** The output tokens with their log-probabilities, when asked for and the server sent them. */
  readonly tokens: readonly ChatCompletionTokenLogprob[] | null;
}

/**
 * One chat completion with a structured output, always checked by zod: OpenAI's strict `json_schema` (also spoken
 * by llama.cpp, vLLM, Ollama and LM Studio), or `json_object` with the schema in the prompt for servers without
 * schema support. Inside an activity the attempt's cancellation signal aborts the request (worker shutdown,
 * heartbeat timeout) and the tokens are counted in the worker's metrics; outside one (`relay eval`) the call is a
 * single, last attempt. Failures are classified in failures.ts: an answer off the schema, cut off at its token
 * limit, or degenerate (a sentence repeated) is `InvalidLlmOutput`, non-retryable from its last attempt.
 */
export async function completeStructured<S extends z.ZodType>(
  openai: OpenAI,
  request: StructuredRequest<S>,
): Promise<StructuredAnswer<z.infer<S>>> {
  const activity = currentActivity();
  const attempt = activity?.info.attempt ?? MAX_INVALID_OUTPUT_ATTEMPTS;
  const signal = activity?.cancellationSignal;
  const context = { attempt, model: request.model, ...(signal ? { signal } : {}) };
  const { name } = request.prompt;
  const jsonObject = request.dialect.structuredOutput === 'json_object';
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: request.model,
    temperature: retryTemperature(request.temperature ?? 0.2, activity?.info.attempt ?? 1),
    [request.dialect.maxTokensField]: request.maxTokens,
    messages: [
      { role: 'system', content: jsonObject ? withSchema(request.prompt.system, request.schema) : request.prompt.system },
      { role: 'user', content: request.user },
    ],
    // top_logprobs: llama.cpp returns no log-probabilities at all for 0.
    ...(request.logprobs ? { logprobs: true, top_logprobs: 1 } : {}),
  };
  let completion;
  let content: string | null | undefined;
  let parsed: unknown;
  try {
    if (jsonObject) {
      completion = await openai.chat.completions.create({ ...body, response_format: { type: 'json_object' } }, signal ? { signal } : {});
      content = completion.choices[0]?.message.content;
      if (completion.choices[0]?.finish_reason === 'length') throw invalidLlmOutput(`cut off at ${request.maxTokens} tokens`, attempt, request.model);
      parsed = content ? request.schema.parse(JSON.parse(content)) : undefined;
    } else {
      completion = await openai.chat.completions.parse({ ...body, response_format: zodResponseFormat(request.schema, name) }, signal ? { signal } : {});
      parsed = completion.choices[0]?.message.parsed;
    }
  } catch (error) {
    throw classifyFailure('LLM', error, { ...context, origin: originOf(openai.baseURL) });
  }
  const llm = llmCall(request.prompt, completion.model || request.model, completion.usage);
  // Counted before the output is checked: an answer off the schema cost as much as a good one.
  if (activity) countTokens(activity, llm);
  const choice = completion.choices[0];
  if (choice?.message.refusal) throw invalidLlmOutput(`the model refused: ${choice.message.refusal.slice(0, 200)}`, attempt, request.model);
  if (parsed === undefined || parsed === null) throw invalidLlmOutput(`no parsed ${name} in the answer`, attempt, request.model);
  const degenerate = degenerateField(parsed);
  if (degenerate) throw invalidLlmOutput(`degenerate ${name}: ${degenerate}`, attempt, request.model);
  return { value: parsed as z.infer<S>, llm, tokens: choice?.logprobs?.content ?? null };
}

/**
 * A retry after an unusable answer must not ask for the same answer again: a local server with a fixed seed (or any
 * server at temperature 0) repeats itself exactly, so each later attempt samples a little more freely.
 */
function retryTemperature(base: number, attempt: number): number {
  return Math.min(1, base + 0.3 * (Math.max(1, attempt) - 1));
}

/** `json_object` servers get no schema on the wire, so the prompt carries it (zod still checks the answer). */
function withSchema(system: string, schema: z.ZodType): string {
  return `${system}\nThe JSON object must match this JSON Schema:\n${JSON.stringify(z.toJSONSchema(schema))}`;
}
