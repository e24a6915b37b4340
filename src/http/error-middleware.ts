import { HttpError } from '../errors/http-error';
import type { RelayMiddleware } from './state';

/**
 * Sits first and decides what the client sees: a HttpError becomes its status and reason, anything else a
 * bare 500 (its details go to the log through app.on('error'), never to the client).
 */
export function errorMiddleware(): RelayMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = { status: 'rejected', error: error.code, reason: error.reason };
        if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds));
        // Refused while the body may still be arriving: closing is what stops a slow or oversized upload.
        if (error.status === 408 || error.status === 413) ctx.set('Connection', 'close');
        ctx.state.rejection = error;
        return;
      }
      ctx.status = 500;
      ctx.body = { status: 'error', error: 'internal', reason: 'internal error; see the receiver log' };
      ctx.app.emit('error', error, ctx);
    }
  };
}
