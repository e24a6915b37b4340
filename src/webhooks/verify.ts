import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors/http-error';
import { IDEMPOTENCY_KEY } from '../../contract/events';
import type { SigningSecret } from '../../contract/secrets';

export interface VerifyOptions {
  readonly secrets: readonly SigningSecret[];
  readonly toleranceSeconds: number;
  /** Unix seconds; injectable so known-answer vectors with fixed timestamps can be checked. */
  readonly nowSeconds?: number;
}

export interface VerifiedWebhook {
  readonly scheme: 'wp' | 'standard';
  readonly idempotencyKey: string;
  readonly keyId: string | undefined;
}

/**
 * Verifies a webhook on its raw bytes, before anything parses them. A request carrying `webhook-signature` is
 * checked as Standard Webhooks, any other as the WordPress scheme (`X-WP-Signature` over "{timestamp}.{body}").
 */
export function verifyWebhook(headers: IncomingHttpHeaders, body: Buffer, options: VerifyOptions): VerifiedWebhook {
  const standard = headers['webhook-signature'] !== undefined;
  const names = standard
    ? { key: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' }
    : { key: 'idempotency-key', timestamp: 'x-wp-timestamp', signature: 'x-wp-signature' };

  const key = requireHeader(headers, names.key);
  const timestamp = requireHeader(headers, names.timestamp);
  const signature = requireHeader(headers, names.signature);
  const keyId = optionalHeader(headers, 'x-wp-key-id');

  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, 'invalid_idempotency_key', `${names.key} must be 1-64 characters of [A-Za-z0-9._:-]`);
  }
  checkTimestamp(timestamp, names.timestamp, options);
  const candidates = selectSecrets(options.secrets, keyId);

  const offered = standard ? parseStandardSignatures(signature) : parseWpSignature(signature);
  const signedPrefix = standard ? `${key}.${timestamp}.` : `${timestamp}.`;
  for (const secret of candidates) {
    const expected = createHmac('sha256', secret.key).update(signedPrefix).update(body).digest();
    // Every offered signature is compared, even after a match, so timing does not reveal which one matched.
    let matched = false;
    for (const candidate of offered) matched = timingSafeEqual(candidate, expected) || matched;
    if (matched) return { scheme: standard ? 'standard' : 'wp', idempotencyKey: key, keyId: secret.keyId };
  }
  throw new HttpError(401, 'bad_signature', 'signature does not match');
}

function requireHeader(headers: IncomingHttpHeaders, name: string): string {
  const value = optionalHeader(headers, name);
  if (value === undefined) throw new HttpError(400, 'missing_header', `missing header ${name}`);
  return value;
}

function optionalHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  const trimmed = single?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function checkTimestamp(value: string, name: string, options: VerifyOptions): void {
  if (!/^\d{1,12}$/.test(value)) throw new HttpError(400, 'malformed_timestamp', `${name} must be Unix seconds`);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(value)) > options.toleranceSeconds) {
    throw new HttpError(
      401,
      'timestamp_out_of_window',
      `${name} is more than ${options.toleranceSeconds} s away from the receiver's clock; re-sign with the current time`,
    );
  }
}

/**
 * With a key id only that secret is tried; without one every active secret is. A single unkeyed secret
 * (WP_RELAY_SECRET) has no ids to select from, so it is tried whatever the sender names.
 */
function selectSecrets(secrets: readonly SigningSecret[], keyId: string | undefined): readonly SigningSecret[] {
  if (keyId === undefined || secrets.every((s) => s.keyId === undefined)) return secrets;
  const selected = secrets.filter((s) => s.keyId === keyId);
  if (selected.length === 0) throw new HttpError(401, 'unknown_key_id', 'X-WP-Key-Id names no active secret');
  return selected;
}

function parseWpSignature(value: string): Buffer[] {
  if (!/^[0-9a-f]{64}$/.test(value)) {
    throw new HttpError(401, 'bad_signature', 'X-WP-Signature must be 64 lowercase hex characters');
  }
  return [Buffer.from(value, 'hex')];
}

function parseStandardSignatures(value: string): Buffer[] {
  const signatures = value
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'))
    .filter((bytes) => bytes.length === 32);
  if (signatures.length === 0) {
    throw new HttpError(401, 'bad_signature', 'webhook-signature has no v1 signature');
  }
  return signatures;
}
