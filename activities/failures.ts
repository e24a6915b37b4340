import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionError, APIError } from 'openai';

/**
 * Every external failure is classified here, once: transient ones (network, timeout, 408, 429, 5xx) stay
 * retryable, honouring Retry-After through nextRetryDelay; the caller's own mistakes (other 4xx, bad output,
 * missing config) are non-retryable, so the run fails at once and waits, Failed, for an operator's reset.
 */

export type Service = 'WordPress' | 'LLM' | 'CRM';

/** A non-2xx answer from an HTTP service we call with fetch. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly service: Service,
    readonly status: number,
    readonly retryAfter: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** A setting the activity needs is absent; retrying cannot help until the worker is reconfigured. */
export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
  constructor(readonly variables: readonly string[]) {
    super(`missing configuration: set ${variables.join(', ')} in the worker's environment, restart it, then reset the run`);
  }
}

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After as delta-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - nowMs;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function fromStatus(service: Service, status: number, retryAfter: string | null, message: string): ApplicationFailure {
  const retryable = isRetryableStatus(status);
  const delay = retryable ? retryAfterMs(retryAfter) : undefined;
  return ApplicationFailure.create({
    type: retryable ? `${service}Unavailable` : `${service}Rejected`,
    message: `${service} answered HTTP ${status}: ${message}`,
    nonRetryable: !retryable,
    ...(delay !== undefined && delay > 0 ? { nextRetryDelay: delay } : {}),
    details: [{ service, status }],
  });
}

/** Maps any error thrown by an external call to the failure Temporal should see. */
export function classifyFailure(service: Service, error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof MissingConfigError) {
    return ApplicationFailure.create({ type: 'MissingConfig', message: error.message, nonRetryable: true });
  }
  if (error instanceof HttpStatusError) return fromStatus(error.service, error.status, error.retryAfter, error.message);
  if (error instanceof APIConnectionError) {
    // Includes APIConnectionTimeoutError: the request never got an answer.
    return ApplicationFailure.create({ type: `${service}Unreachable`, message: `${service}: ${error.message}` });
  }
  if (error instanceof APIError && error.status !== undefined) {
    return fromStatus(service, error.status, error.headers?.get('retry-after') ?? null, error.message);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError)) {
    // fetch reports network failures as TypeError and AbortSignal.timeout() as TimeoutError.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return ApplicationFailure.create({ type: `${service}Unreachable`, message: `${service}: ${error.message}${cause}` });
  }
  return error;
}
