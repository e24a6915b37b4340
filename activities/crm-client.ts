import type { ActivitySettings } from './settings';
import { signedHeaders } from '../contract/sign';
import { secretBytes } from '../contract/secrets';
import { HttpStatusError, isNetworkFailure, MissingConfigError, originOf, ServiceUnreachableError } from './failures';
import type { CrmAnswer } from '../contract/leads';

/**
 * The CRM's webhook: a POST signed the Standard Webhooks way (`webhook-id` = the Idempotency-Key,
 * `webhook-timestamp`, `webhook-signature`) with a secret of its own, so the CRM side verifies and de-duplicates
 * with any Standard Webhooks library. The URL comes from configuration only.
 */
export class CrmClient {
  constructor(private readonly options: { url: string; secret: Buffer; timeoutMs: number }) {}

  static fromConfig(crm: ActivitySettings['crm']): CrmClient {
    const missing = [...(crm.webhookUrl ? [] : ['CRM_WEBHOOK_URL']), ...(crm.secret ? [] : ['CRM_WEBHOOK_SECRET'])];
    if (missing.length > 0) throw new MissingConfigError(missing);
    let secret: Buffer;
    try {
      secret = secretBytes(crm.secret!);
    } catch {
      throw new MissingConfigError(['CRM_WEBHOOK_SECRET (as whsec_<base64>)']);
    }
    return new CrmClient({ url: crm.webhookUrl!, secret, timeoutMs: crm.timeoutMs });
  }

  /** Signed afresh on every attempt (a new timestamp), with the same key: the CRM keeps one record per key. */
  async deliver(idempotencyKey: string, record: unknown): Promise<CrmAnswer> {
    const body = JSON.stringify(record);
    const origin = originOf(this.options.url) ?? 'the CRM';
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        ...signedHeaders({ secret: this.options.secret, body, idempotencyKey, scheme: 'standard' }),
        'idempotency-key': idempotencyKey,
        accept: 'application/json',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    }).catch((error: unknown) => {
      throw isNetworkFailure(error) ? new ServiceUnreachableError('CRM', origin, error) : error;
    });
    await response.body?.cancel();
    // 409: the CRM already holds a record with this key, which is what a retry after a lost answer looks like.
    if (response.status === 409) return { outcome: 'already_delivered', status: 409 };
    if (response.ok) return { outcome: 'delivered', status: response.status };
    const hint = response.status >= 300 && response.status < 400 ? '; set CRM_WEBHOOK_URL to the final address' : '';
    throw new HttpStatusError('CRM', response.status, response.headers.get('retry-after'), `POST to the CRM webhook${hint}`, origin);
  }
}
