import pino from 'pino';
import { traceFields } from '../tracing/trace-fields';

export type Logger = pino.Logger;

/**
 * Bytes of log lines gathered before one write to stdout, and the longest a line waits for it. The block is as large
 * as sonic-boom allows (below its 16 KiB maxWrite): at a few hundred webhooks a second the write(2) per 4 KiB still
 * showed in the receiver's profile (2.5 % of its busy time in writeString at 100/s).
 */
const STDOUT_BUFFER_BYTES = 16000;
const STDOUT_FLUSH_MS = 250;

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
  }, destination ?? bufferedStdout());
}

/**
 * stdout written in blocks rather than one write(2) per line: under load the receiver's line per webhook cost more
 * in system calls than in formatting (docs/performance.md). A line waits at most STDOUT_FLUSH_MS; pino flushes what
 * is left when the process exits (process.exit included), so a fatal line before exit(1) is not lost.
 */
function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, minLength: STDOUT_BUFFER_BYTES, sync: false });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // stdout is gone (closed pipe): nothing left to write to
    }
  }, STDOUT_FLUSH_MS).unref();
  return stream;
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
