/**
 * What one LLM call cost and which prompt made it, kept in the activity's result (the Web UI shows it) and in the
 * run's result (`relay usage` sums it). A server that reports no usage gives zeros rather than a guess.
 */
export interface LlmCall {
  /** `<name>@<version>` of the prompt. */
  readonly prompt: string;
  /** The model the server says answered (it may differ from the one asked for, e.g. a dated snapshot). */
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}
