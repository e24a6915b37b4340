import { signedHeaders, wpSignature } from '../contract/sign';

/**
 * How a target wants a request signed. The relay: its own signer (`signedHeaders`, the WordPress scheme the plugin
 * sends). The seed: the seed's rules, taken from its Django `verify_signature` and `WPWebhookView`: hex HMAC-SHA256
 * over `"{X-WP-Timestamp}.{body}"` keyed with the secret's UTF-8 bytes as they are (`settings.WP_RELAY_SECRET.encode()`:
 * no `whsec_` decoding), the key in `Idempotency-Key`, no key id, no Standard Webhooks headers. For a plain secret
 * the two agree byte for byte; kept apart so a change to our scheme cannot silently change what the seed is sent.
 */
export const SIGNERS = ['relay', 'seed'] as const;
export type SignerName = (typeof SIGNERS)[number];

export interface SignInput {
  readonly secret: string;
  readonly body: string;
  readonly idempotencyKey: string;
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
}

export type Signer = (input: SignInput) => Record<string, string>;

const seedSigner: Signer = ({ secret, body, idempotencyKey, timestamp = Math.floor(Date.now() / 1000) }) => ({
  'content-type': 'application/json',
  'x-wp-timestamp': String(timestamp),
  'x-wp-signature': wpSignature(Buffer.from(secret, 'utf8'), timestamp, body),
  'idempotency-key': idempotencyKey,
});

const relaySigner: Signer = (input) => signedHeaders({ ...input, scheme: 'wp' });

export function signerFor(name: SignerName): Signer {
  return name === 'seed' ? seedSigner : relaySigner;
}
