import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { CompletionUsage } from 'openai/resources/completions';
import type { LlmCall } from '../contract/llm-call';

export type { LlmCall };

/** A prompt and its version: bump the version with any change of the text, so each result says which one made it. */
export interface VersionedPrompt {
  /** Also the structured output's schema name, e.g. `post_summary`. */
  readonly name: string;
  readonly version: number;
  readonly system: string;
}


export function promptId(prompt: VersionedPrompt): string {
  return `${prompt.name}@${prompt.version}`;
}

export function llmCall(prompt: VersionedPrompt, model: string, usage: CompletionUsage | undefined): LlmCall {
  const promptTokens = usage?.prompt_tokens ?? 0;
  const completionTokens = usage?.completion_tokens ?? 0;
  return { prompt: promptId(prompt), model, promptTokens, completionTokens, totalTokens: usage?.total_tokens ?? promptTokens + completionTokens };
}

/** The activity this code runs in, or undefined when it runs outside a worker (`relay eval` calls activities directly). */
export function currentActivity(): Context | undefined {
  return asyncLocalStorage.getStore();
}

/**
 * Counts the call's tokens on the worker's Prometheus endpoint (WORKER_METRICS_ADDRESS), by model and kind (prompt
 * or completion). The SDK's meter adds the step itself as `activityType`, with `namespace` and `taskQueue`.
 */
export function countTokens(context: Context, call: LlmCall): void {
  const counter = context.metricMeter.createCounter('wp_ai_relay_llm_tokens', 'tokens', 'LLM tokens spent, by step (activityType), model and kind.');
  counter.add(call.promptTokens, { model: call.model, kind: 'prompt' });
  counter.add(call.completionTokens, { model: call.model, kind: 'completion' });
}
