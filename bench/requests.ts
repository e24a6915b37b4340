import { sampleEvent } from '../src/webhooks/sample-events';
import { signerFor, type SignerName } from './signers';

/**
 * - unique: a new post.published event per call, new key, signed now;
 * - bad-signature: the same, signed with another secret (well-formed, so the receiver computes the HMAC to refuse it);
 * - duplicate: one event, re-signed per call with a fresh timestamp, as the plugin does when it retries.
 * Every target gets the same payloads; only the signature scheme is the target's own (`signer`).
 */
export type RequestKind = 'unique' | 'bad-signature' | 'duplicate';

export interface SignedRequest {
  readonly key: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export function requestFactory(kind: RequestKind, secret: string, duplicateKey?: string, signer: SignerName = 'relay'): () => SignedRequest {
  const sign = signerFor(signer);
  if (kind === 'duplicate') {
    if (duplicateKey === undefined) throw new Error('a duplicate run needs the key to repeat');
    const body = JSON.stringify(sampleEvent('post.published', { idempotency_key: duplicateKey }));
    return () => ({ key: duplicateKey, body, headers: sign({ secret, body, idempotencyKey: duplicateKey }) });
  }
  const signingSecret = kind === 'bad-signature' ? `${secret}-not-the-receivers` : secret;
  return () => {
    const event = sampleEvent('post.published');
    const body = JSON.stringify(event);
    const key = event.idempotency_key;
    return { key, body, headers: sign({ secret: signingSecret, body, idempotencyKey: key }) };
  };
}
