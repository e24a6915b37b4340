import { createHmac } from 'node:crypto';
import { secretBytes } from './secrets';

/**
 * Signing, the sender's half of the contract. The CLI, the benchmark and the tests use it; the PHP plugin
 * implements the same rules and both are checked against `test/fixtures/signature-vectors.json`.
 */

export function wpSignature(secret: string | Buffer, timestamp: number | string, body: string | Buffer): string {
  const key = typeof secret === 'string' ? secretBytes(secret) : secret;
  return createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex');
}

export function standardSignature(
  secret: string | Buffer,
  id: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  const key = typeof secret === 'string' ? secretBytes(secret) : secret;
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

export interface SignOptions {
  readonly secret: string | Buffer;
  readonly body: string;
  readonly idempotencyKey: string;
  readonly keyId?: string | undefined;
  readonly scheme?: 'wp' | 'standard';
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
}

/** The headers of a signed webhook request (content type included). */
export function signedHeaders(options: SignOptions): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.keyId !== undefined) headers['x-wp-key-id'] = options.keyId;
  if (options.scheme === 'standard') {
    headers['webhook-id'] = options.idempotencyKey;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = standardSignature(options.secret, options.idempotencyKey, timestamp, options.body);
  } else {
    headers['idempotency-key'] = options.idempotencyKey;
    headers['x-wp-timestamp'] = String(timestamp);
    headers['x-wp-signature'] = wpSignature(options.secret, timestamp, options.body);
  }
  return headers;
}
