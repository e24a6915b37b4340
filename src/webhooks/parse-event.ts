import { HttpError } from '../errors/http-error';
import { eventSchemas, isEventName, type WpEvent } from '../../contract/events';
import type { VerifiedWebhook } from './verify';

/**
 * Turns a verified body into a typed event. Runs only after the signature check, so nothing unauthenticated is
 * parsed. Reasons name fields, never their values (they may hold personal data).
 */
export function parseEvent(body: Buffer, verified: VerifiedWebhook): WpEvent {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HttpError(400, 'invalid_payload', 'body must be a JSON object');
  }
  const record = json as Record<string, unknown>;
  if (!isEventName(record.event)) {
    throw new HttpError(400, 'unknown_event', `unknown event; expected one of ${Object.keys(eventSchemas).join(', ')}`);
  }
  // A Standard Webhooks sender signs its id in the signature base, so the key is bound without a body copy.
  if (verified.scheme === 'standard' && record.idempotency_key === undefined) {
    record.idempotency_key = verified.idempotencyKey;
  }
  if (record.idempotency_key !== verified.idempotencyKey) {
    throw new HttpError(400, 'key_mismatch', 'the idempotency key header must equal the body\'s idempotency_key');
  }
  const parsed = eventSchemas[record.event].safeParse(record);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new HttpError(400, 'invalid_payload', `invalid ${record.event} payload: ${problems.join('; ')}`);
  }
  return parsed.data;
}
