import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestFactory } from '../../bench/requests';
import { signerFor } from '../../bench/signers';
import { parseSecrets } from '../../contract/secrets';
import { verifyWebhook } from '../../src/webhooks/verify';

const NOW = 1_700_000_000;
const BODY = '{"event":"post.published","idempotency_key":"abc-123"}';
// Computed with the seed's own formula (bench/seed/relay/signature.py):
// hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
const SEED_VECTORS = [
  { secret: 'seed-vector-secret', signature: 'adf330999d238a9c10b187730f22a4ecc6b9251d4e83e029c1f0d336b208c138' },
  { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signature: '250c4ef2bba045358b70b63e015524087c7bc5f81a63b57274aa93a81d28062f' },
];

describe('the benchmark signers', () => {
  it('signs for the seed exactly as its Django verify_signature computes, headers and all', () => {
    for (const vector of SEED_VECTORS) {
      const headers = signerFor('seed')({ secret: vector.secret, body: BODY, idempotencyKey: 'abc-123', timestamp: NOW });
      assert.deepEqual(headers, {
        'content-type': 'application/json',
        'x-wp-timestamp': String(NOW),
        'x-wp-signature': vector.signature,
        'idempotency-key': 'abc-123',
      });
    }
  });

  it('keys the seed signature with a whsec_ secret as text, where the relay decodes it', () => {
    const input = { secret: SEED_VECTORS[1]!.secret, body: BODY, idempotencyKey: 'abc-123', timestamp: NOW };
    const relay = signerFor('relay')(input);
    const seed = signerFor('seed')(input);
    assert.notEqual(seed['x-wp-signature'], relay['x-wp-signature']);
    const secrets = parseSecrets(input.secret, { keyed: false });
    assert.doesNotThrow(() => verifyWebhook(relay, Buffer.from(BODY), { secrets, toleranceSeconds: 300, nowSeconds: NOW }));
    assert.throws(() => verifyWebhook(seed, Buffer.from(BODY), { secrets, toleranceSeconds: 300, nowSeconds: NOW }));
  });

  it('gives both targets the same payloads, each signed its own way and accepted by the relay with a plain secret', () => {
    const secret = 'a-plain-bench-secret';
    const secrets = parseSecrets(secret, { keyed: false });
    for (const signer of ['relay', 'seed'] as const) {
      const request = requestFactory('unique', secret, undefined, signer)();
      const event = JSON.parse(request.body) as Record<string, unknown>;
      assert.equal(event.event, 'post.published');
      assert.equal(event.idempotency_key, request.key);
      assert.equal(request.headers['idempotency-key'], request.key);
      const verified = verifyWebhook(request.headers, Buffer.from(request.body), { secrets, toleranceSeconds: 300 });
      assert.equal(verified.idempotencyKey, request.key);
    }
  });

  it('signs bad-signature requests for the seed with another secret', () => {
    const secrets = parseSecrets('a-plain-bench-secret', { keyed: false });
    const request = requestFactory('bad-signature', 'a-plain-bench-secret', undefined, 'seed')();
    assert.throws(() => verifyWebhook(request.headers, Buffer.from(request.body), { secrets, toleranceSeconds: 300 }));
  });
});
