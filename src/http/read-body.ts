import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { WebhookError } from '../webhooks/errors';

/**
 * Reads the raw body, refusing it as soon as it passes `limit` bytes: up front from Content-Length, or while
 * streaming when the sender lies or uses chunked encoding. Nothing past the limit is buffered.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit, length: req.headers['content-length'] });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new WebhookError(413, 'body_too_large', `body exceeds ${limit} bytes`);
    }
    throw new WebhookError(400, 'unreadable_body', 'the request body could not be read', undefined, { cause: error });
  }
}
