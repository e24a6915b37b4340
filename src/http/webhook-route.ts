import type { Config } from '../config/config';
import type { StartEvent } from '../temporal/start-event';
import { StartFailure } from '../temporal/start-failure';
import { HttpError } from '../errors/http-error';
import { parseEvent } from '../webhooks/parse-event';
import { verifyWebhook } from '../webhooks/verify';
import { readBody } from './read-body';
import { startFailureAnswer } from './start-failure-answer';
import type { RelayMiddleware } from './state';

/** Seconds a sender should wait when the receiver sheds load. */
const BACKPRESSURE_RETRY_AFTER_SECONDS = 1;

/**
 * POST /webhooks/wp: content type, size- and time-limited read, signature on the raw bytes, parse and validate,
 * then backpressure, then start the workflow. 202 is sent only once Temporal has recorded the start. The in-flight
 * slot is taken only by an authenticated, valid event: slow or forged uploads must not make real senders get 429.
 */
export function webhookRoute(webhook: Config['webhook'], startEvent: StartEvent): RelayMiddleware {
  let inFlight = 0;
  return async (ctx) => {
    const received = performance.now();
    if (!ctx.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
    }
    const body = await readBody(ctx.req, webhook.maxBodyBytes, webhook.bodyTimeoutMs);
    const verified = verifyWebhook(ctx.req.headers, body, webhook);
    ctx.state.idempotencyKey = verified.idempotencyKey;
    const event = parseEvent(body, verified);
    ctx.state.event = event.event;
    if (inFlight >= webhook.maxInFlightStarts) {
      throw new HttpError(
        429,
        'backpressure',
        `more than ${webhook.maxInFlightStarts} workflow starts in progress; retry later`,
        BACKPRESSURE_RETRY_AFTER_SECONDS,
      );
    }
    inFlight += 1;
    try {
      const starting = performance.now();
      const result = await startEvent(event);
      const done = performance.now();
      // What the accept latency is made of: the receiver's own work, and the start call (Temporal's
      // StartWorkflowExecution with the client around it), for whoever looks at a slow 202.
      ctx.set('Server-Timing', `receiver;dur=${(starting - received).toFixed(2)}, temporal;desc="workflow start";dur=${(done - starting).toFixed(2)}`);
      ctx.state.outcome = result.status;
      ctx.status = 202;
      ctx.body = result;
    } catch (error) {
      throw error instanceof StartFailure ? startFailureAnswer(error) : error;
    } finally {
      inFlight -= 1;
    }
  };
}
