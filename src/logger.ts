import pino from 'pino';
import { traceFields } from './tracing/trace-fields';

export type Logger = pino.Logger;

/**
 * JSON logs on stdout. Call sites log chosen fields only (request id, idempotency key, event, outcome); the
 * redact list is the second line of defence should a header object or payload ever be logged by mistake.
 */
export function createLogger(
  level: string,
  name: string,
  destination?: pino.DestinationStream,
  /** With tracing on: each line written inside a span carries its trace_id and span_id. */
  options: { traceIds?: boolean } = {},
): Logger {
  return pino({
    name,
    level,
    ...(options.traceIds ? { mixin: traceFields } : {}),
    serializers: { err: serializeError },
    redact: {
      paths: [
        'headers["x-wp-signature"]',
        'headers["webhook-signature"]',
        'headers.authorization',
        'secret',
        'secrets',
        'password',
        'appPassword',
        'apiKey',
        'body',
      ],
      censor: '[redacted]',
    },
  }, destination);
}

/**
 * pino's error serializer copies every own property, and Node's HTTP parser errors carry `rawPacket`: the request's
 * bytes, signature header and body included. Only the class, message, code and stack are kept, the cause likewise.
 */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as { code?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: error.stack,
    ...(error.cause instanceof Error ? { cause: serializeError(error.cause) } : {}),
  };
}
