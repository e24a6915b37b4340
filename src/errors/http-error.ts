/**
 * A request the receiver refuses. `status` and `reason` go to the client as they are, so a reason never quotes a
 * secret, a signature or the body; `code` is a stable label for metrics and logs.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly expose = true;
  constructor(
    readonly status: 400 | 401 | 408 | 413 | 415 | 429 | 503,
    readonly code: string,
    readonly reason: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}
