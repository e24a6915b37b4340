import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger';
import { webhookOutcome, type ReceiverMetrics } from './metrics';
import type { RelayMiddleware } from './state';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Outermost middleware: gives each request an id (the caller's X-Request-Id when well-formed), then logs one
 * line and records metrics for each webhook. The line carries the key and event, never headers or the body.
 */
export function requestLog(logger: Logger, metrics: ReceiverMetrics): RelayMiddleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const offered = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    if (ctx.path !== '/webhooks/wp') return next();

    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
    }

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rejection } = ctx.state;
    const outcome = webhookOutcome(ctx.status, ctx.state.outcome);
    const reason = rejection ? rejection.code : outcome;
    metrics.webhooks.inc({ outcome, reason, status: String(ctx.status) });
    metrics.latency.observe({ outcome }, seconds);

    const fields = {
      requestId,
      status: ctx.status,
      outcome,
      reason,
      idempotencyKey: ctx.state.idempotencyKey,
      event: ctx.state.event,
      ms: Math.round(seconds * 1e4) / 10,
    };
    if (rejection?.code === 'relay_misconfigured') {
      metrics.misconfigured.set(1);
      logger.error({ ...fields, fix: describeCause(rejection.cause) }, 'relay misconfigured: webhook not recorded');
    } else if (rejection && rejection.status >= 500) {
      logger.warn({ ...fields, cause: describeCause(rejection.cause) }, 'webhook not recorded');
    } else if (rejection) {
      logger.info(fields, 'webhook rejected');
    } else {
      logger.info(fields, 'webhook');
    }
  };
}

/** The cause's class and message only: enough to diagnose, with no stack or payload in the log line. */
function describeCause(cause: unknown): string | undefined {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
