import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { z } from 'zod';
import { stripHtml } from '../contract/sanitize';

/**
 * Every external failure is classified here, once: transient ones (network, timeout, 408, 429, 5xx) stay
 * retryable, honouring Retry-After / retry-after-ms through nextRetryDelay, and are retried until the activity's
 * give-up point (contract/activity-options.ts); the caller's own mistakes (other 4xx, bad output, missing
 * config) are non-retryable, so the run fails at once and waits, Failed, for an operator's reset.
 */

export type Service = 'WordPress' | 'LLM' | 'CRM';

/** The variable that says where each service is, so a failure's message says what to change. */
export const SERVICE_URL_VARIABLE: Readonly<Record<Service, string>> = {
  LLM: 'OPENAI_BASE_URL',
  WordPress: 'WP_BASE_URL',
  CRM: 'CRM_WEBHOOK_URL',
};

/** `LLM at http://127.0.0.1:11434 (OPENAI_BASE_URL)`: the service, where it was called, and the setting for it. */
export function serviceAt(service: Service, origin: string | undefined): string {
  return origin === undefined ? service : `${service} at ${origin} (${SERVICE_URL_VARIABLE[service]})`;
}

/** The origin of a URL (scheme, host, port): never its path or query, which may carry a token. */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Longest excerpt of an answer's body kept in a failure's message. */
export const EXCERPT_CHARS = 200;

/** A readable excerpt of an answer: an HTML error page becomes its text, everything is cut to EXCERPT_CHARS. */
export function excerpt(text: string): string {
  const plain = /<[a-z!/][^>]*>/i.test(text) ? stripHtml(text) : text.replace(/\s+/g, ' ').trim();
  return plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS - 1)}…` : plain;
}

/**
 * A non-2xx answer from an HTTP service we call with fetch. `retryAfter` is the Retry-After value, or the
 * response's headers, so that retry-after-ms is honoured too.
 */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly service: Service,
    readonly status: number,
    readonly retryAfter: string | null | Headers,
    message: string,
    /** Where the service was called (URL origin), named in the failure with its variable. */
    readonly origin?: string,
  ) {
    super(message);
  }
}

/** A service could not be reached at all (refused, reset, timed out); thrown by our fetch-based clients. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
  constructor(
    readonly service: Service,
    readonly origin: string,
    cause: Error,
  ) {
    super(cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message, { cause });
  }
}

/** Whether an error from fetch is the network's (refused, reset, DNS, our timeout), not a cancellation. */
export function isNetworkFailure(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'TimeoutError' || isFetchNetworkError(error));
}

/** A setting the activity needs is absent; retrying cannot help until the worker is reconfigured. */
export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
  constructor(readonly variables: readonly string[]) {
    super(`missing configuration: set ${variables.join(', ')} in the worker's environment, restart it, then reset the run`);
  }
}

/** What the activity knows about the attempt that failed. */
export interface AttemptContext {
  /** 1 for the first attempt; bounds how often off-schema LLM output is retried. */
  readonly attempt?: number;
  /** The activity's cancellation signal: once it fired, the failure is the cancellation, whatever was thrown. */
  readonly signal?: AbortSignal;
  /** The model asked, named in an invalid-output failure so that the operator knows which one to replace. */
  readonly model?: string;
  /** Where the service was called (URL origin), when the error does not carry it. */
  readonly origin?: string | undefined;
}

/** An LLM that keeps answering off-schema is not going to recover by itself; stop after this many tries. */
export const MAX_INVALID_OUTPUT_ATTEMPTS = 3;

const MAX_RETRY_AFTER_MS = 10 * 60_000;

const capDelay = (ms: number) => Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);

/** Retry-After as delta-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - nowMs;
  return Number.isFinite(ms) ? capDelay(ms) : undefined;
}

/** OpenAI's `retry-after-ms` (milliseconds, more precise) first, else Retry-After; capped like it. */
export function retryDelayFromHeaders(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return capDelay(Number(ms));
  return retryAfterMs(headers?.get('retry-after'), nowMs);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function fromStatus(
  service: Service,
  status: number,
  retryAfter: string | null | Headers | undefined,
  message: string,
  origin: string | undefined,
): ApplicationFailure {
  const retryable = isRetryableStatus(status);
  const delay = !retryable ? undefined : retryAfter instanceof Headers ? retryDelayFromHeaders(retryAfter) : retryAfterMs(retryAfter);
  return ApplicationFailure.create({
    type: retryable ? `${service}Unavailable` : `${service}Rejected`,
    message: `${serviceAt(service, origin)} answered HTTP ${status}: ${excerpt(message)}`,
    nonRetryable: !retryable,
    ...(delay !== undefined && delay > 0 ? { nextRetryDelay: delay } : {}),
    details: [{ service, status }],
  });
}

/** fetch (undici) reports a failed connection as `TypeError: fetch failed` whose cause is the socket error. */
function isFetchNetworkError(error: Error): boolean {
  return error instanceof TypeError && error.message === 'fetch failed' && error.cause instanceof Error;
}

/** The answer arrived but is not what the schema asks for: the model's output, not the transport. */
function isLlmOutputError(error: unknown): error is Error {
  return (
    error instanceof SyntaxError ||
    error instanceof z.ZodError ||
    error instanceof LengthFinishReasonError ||
    error instanceof ContentFilterFinishReasonError
  );
}

/**
 * Output the step cannot use (off the schema, cut off at its token limit, degenerate, refused): retried, since a
 * model samples differently, and non-retryable from the last allowed attempt, naming the model that gave it.
 */
export function invalidLlmOutput(reason: string, attempt = 1, model?: string): ApplicationFailure {
  const who = model ? `model ${model}` : 'the LLM';
  const last = attempt >= MAX_INVALID_OUTPUT_ATTEMPTS;
  return ApplicationFailure.create({
    type: 'InvalidLlmOutput',
    message:
      `${who} gave an answer the step cannot use (attempt ${attempt} of ${MAX_INVALID_OUTPUT_ATTEMPTS}): ${reason}` +
      (last ? `; check \`relay eval\` for ${model ?? 'the model'}, or set a stronger OPENAI_MODEL, then reset the run` : ''),
    nonRetryable: last,
  });
}

/** A 2xx answer of the wrong shape: a different API behind the URL, or a plugin missing; retrying will not fix it. */
export function invalidResponse(service: Service, what: string, error: z.ZodError): ApplicationFailure {
  return ApplicationFailure.create({
    type: `${service}InvalidResponse`,
    message: `${service} answered ${what} with an unexpected shape: ${z.prettifyError(error)}`,
    nonRetryable: true,
  });
}

/** WordPress accepted the write but dropped the meta: the plugin that registers it is not active. */
export function metaNotRegistered(key: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'WordPressMetaNotRegistered',
    message: `WordPress did not store ${key}: activate (or update) the wp-ai-relay plugin, which registers that meta, then reset the run`,
    nonRetryable: true,
  });
}

/** Maps any error thrown by an external call to the failure Temporal should see. */
export function classifyFailure(service: Service, error: unknown, context: AttemptContext = {}): unknown {
  // A cancelled attempt (worker shutdown, heartbeat timeout, run cancelled) reports the cancellation itself,
  // so Temporal hands the attempt back instead of counting an error of ours.
  if (context.signal?.aborted && context.signal.reason instanceof CancelledFailure) return context.signal.reason;
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  if (error instanceof MissingConfigError) {
    return ApplicationFailure.create({ type: 'MissingConfig', message: error.message, nonRetryable: true });
  }
  if (error instanceof HttpStatusError) return fromStatus(error.service, error.status, error.retryAfter, error.message, error.origin ?? context.origin);
  if (error instanceof ServiceUnreachableError) {
    return ApplicationFailure.create({ type: `${service}Unreachable`, message: `${serviceAt(service, error.origin)}: ${error.message}` });
  }
  if (isLlmOutputError(error)) return invalidLlmOutput(error.message, context.attempt, context.model);
  if (error instanceof APIConnectionError || error instanceof APIUserAbortError) {
    // Includes APIConnectionTimeoutError: the request never got an answer.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return ApplicationFailure.create({ type: `${service}Unreachable`, message: `${serviceAt(service, context.origin)}: ${error.message}${cause}` });
  }
  if (error instanceof APIError && error.status !== undefined) {
    return fromStatus(service, error.status, error.headers, error.message, context.origin);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || isFetchNetworkError(error))) {
    // AbortSignal.timeout() rejects with a TimeoutError; a refused or reset connection with fetch's TypeError.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return ApplicationFailure.create({ type: `${service}Unreachable`, message: `${serviceAt(service, context.origin)}: ${error.message}${cause}` });
  }
  // Anything else (a TypeError of our own, a RangeError) is a bug: it retries with backoff and stays visible.
  return error;
}
