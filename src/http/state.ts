import type Koa from 'koa';
import type { HttpError } from '../errors/http-error';
import type { StartResult } from '../temporal/start-event';

/**
 * What the middlewares tell each other about one request (Koa's ctx.state): request-log.ts sets the request id and
 * reads the rest once the request is answered; the webhook route and the error middleware fill it in.
 */
export interface RelayState {
  requestId?: string;
  /** The verified idempotency key and event name, once the signature has been checked. */
  idempotencyKey?: string;
  event?: string;
  /** Whether Temporal recorded the start as new or as a duplicate. */
  outcome?: StartResult['status'];
  /** The error a refused request was answered with. */
  rejection?: HttpError;
}

export type RelayMiddleware = Koa.Middleware<RelayState>;
export type RelayContext = Koa.ParameterizedContext<RelayState>;
