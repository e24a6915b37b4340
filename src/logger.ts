import pino from 'pino';

export type Logger = pino.Logger;

/**
 * JSON logs on stdout. Call sites log chosen fields only (request id, idempotency key, event, outcome); the
 * redact list is the second line of defence should a header object or payload ever be logged by mistake.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
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
  });
}
