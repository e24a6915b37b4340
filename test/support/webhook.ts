import { signedHeaders, type SignOptions } from '../../contract/sign';
import { TEST_SECRET } from './relay';

export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** POSTs an event to a receiver, signed with the test secret unless told otherwise. */
export async function sendWebhook(
  baseUrl: string,
  event: Record<string, unknown>,
  options: Partial<SignOptions> & { headers?: Record<string, string> } = {},
): Promise<WebhookAnswer> {
  const body = options.body ?? JSON.stringify(event);
  const headers = signedHeaders({
    secret: TEST_SECRET,
    idempotencyKey: String(event.idempotency_key),
    ...options,
    body,
  });
  return postRaw(baseUrl, body, { ...headers, ...options.headers });
}

/** POSTs bytes with exactly the given headers. */
export async function postRaw(baseUrl: string, body: string | Buffer, headers: Record<string, string>): Promise<WebhookAnswer> {
  const response = await fetch(`${baseUrl}/webhooks/wp`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
