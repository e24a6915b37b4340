import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { HttpError } from '../errors/http-error';

/**
 * Reads the raw body, refusing it as soon as it passes `limit` bytes (up front from Content-Length, or while
 * streaming when the sender lies or uses chunked encoding; nothing past the limit is buffered) or once `timeoutMs`
 * have passed without the whole of it: a slow sender gets 408 instead of holding the receiver for Node's minutes.
 */
export async function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpError(408, 'body_timeout', `the body was not received within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const reading = getRawBody(req, { limit, length: req.headers['content-length'] });
  // Past the deadline the read is abandoned; the connection is closed after the 408, which ends it.
  reading.catch(() => {});
  try {
    return await Promise.race([reading, deadline]);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new HttpError(413, 'body_too_large', `body exceeds ${limit} bytes`);
    }
    throw new HttpError(400, 'unreadable_body', 'the request body could not be read', undefined, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
