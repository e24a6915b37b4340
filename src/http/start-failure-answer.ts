import { HttpError } from '../errors/http-error';
import type { StartFailure } from '../temporal/start-failure';

/** Seconds a sender should wait before retrying when Temporal cannot record the start. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** Seconds a sender should wait while the relay is misconfigured: an operator has to act first. */
export const MISCONFIGURED_RETRY_AFTER_SECONDS = 60;

/**
 * The HTTP answer to a start Temporal did not record: 503 `relay_misconfigured` (the sender keeps the event until
 * an operator fixes the relay; the log line says what to fix), 400 `rejected_by_temporal` with Temporal's reason,
 * or 503 `temporal_unavailable` (not acknowledged: the sender retries with the same key).
 */
export function startFailureAnswer(failure: StartFailure): HttpError {
  switch (failure.failure.kind) {
    case 'misconfigured':
      return new HttpError(
        503,
        'relay_misconfigured',
        'the relay cannot start workflows until its operator fixes its Temporal configuration; retry later with the same key',
        MISCONFIGURED_RETRY_AFTER_SECONDS,
        { cause: failure },
      );
    case 'refused':
      return new HttpError(400, 'rejected_by_temporal', `Temporal refused this event: ${failure.failure.reason}`, undefined, {
        cause: failure,
      });
    case 'unavailable':
      return new HttpError(503, 'temporal_unavailable', 'Temporal did not record the start; retry later with the same key', TEMPORAL_RETRY_AFTER_SECONDS, {
        cause: failure.cause,
      });
  }
}
