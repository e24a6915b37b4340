import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HttpError } from '../../src/errors/http-error';
import { parseSecrets, secretBytes } from '../../contract/secrets';
import { signedHeaders, standardSignature, wpSignature } from '../../contract/sign';
import { verifyWebhook, type VerifyOptions } from '../../src/webhooks/verify';

interface Vector {
  name: string;
  scheme: 'wp' | 'standard';
  secret: string;
  id?: string;
  timestamp: number;
  body: string;
  signature: string;
}
const vectors = (
  JSON.parse(readFileSync(join(__dirname, '../fixtures/signature-vectors.json'), 'utf8')) as { cases: Vector[] }
).cases;

const SECRET = 'unit-test-secret-0123';
const NOW = 1_700_000_000;
const BODY = '{"event":"post.published","idempotency_key":"abc-123"}';
const options: VerifyOptions = { secrets: parseSecrets(SECRET, { keyed: false }), toleranceSeconds: 300, nowSeconds: NOW };

function headersFor(overrides: Record<string, string | undefined> = {}, scheme: 'wp' | 'standard' = 'wp') {
  const headers: Record<string, string | undefined> = {
    ...signedHeaders({ secret: SECRET, body: BODY, idempotencyKey: 'abc-123', timestamp: NOW, scheme }),
    ...overrides,
  };
  for (const key of Object.keys(headers)) if (headers[key] === undefined) delete headers[key];
  return headers as Record<string, string>;
}

function rejection(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be rejected');
}

describe('known-answer vectors shared with the PHP plugin', () => {
  for (const vector of vectors) {
    it(`signs "${vector.name}" to the recorded signature`, () => {
      const signature =
        vector.scheme === 'wp'
          ? wpSignature(vector.secret, vector.timestamp, vector.body)
          : standardSignature(vector.secret, vector.id!, vector.timestamp, vector.body);
      assert.equal(signature, vector.signature);
    });

    it(`verifies "${vector.name}" with the receiver`, () => {
      const headers =
        vector.scheme === 'wp'
          ? { 'idempotency-key': 'k', 'x-wp-timestamp': String(vector.timestamp), 'x-wp-signature': vector.signature }
          : { 'webhook-id': vector.id!, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': vector.signature };
      const verified = verifyWebhook(headers, Buffer.from(vector.body, 'utf8'), {
        secrets: parseSecrets(vector.secret, { keyed: false }),
        toleranceSeconds: 300,
        nowSeconds: vector.timestamp,
      });
      assert.equal(verified.scheme, vector.scheme);
    });
  }

  it('includes the Standard Webhooks specification example', () => {
    assert.ok(vectors.some((v) => v.signature === 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='));
  });
});

describe('WordPress scheme', () => {
  it('accepts a correctly signed request and returns its key', () => {
    const verified = verifyWebhook(headersFor(), Buffer.from(BODY), options);
    assert.deepEqual(verified, { scheme: 'wp', idempotencyKey: 'abc-123', keyId: undefined });
  });

  for (const header of ['x-wp-signature', 'x-wp-timestamp', 'idempotency-key']) {
    it(`answers 400 when ${header} is missing`, () => {
      const error = rejection(() => verifyWebhook(headersFor({ [header]: undefined }), Buffer.from(BODY), options));
      assert.equal(error.status, 400);
      assert.equal(error.code, 'missing_header');
      assert.match(error.reason, new RegExp(header));
    });
  }

  it('answers 401 when one byte of the body changed', () => {
    const tampered = BODY.replace('abc-123', 'abc-124');
    const error = rejection(() => verifyWebhook(headersFor(), Buffer.from(tampered), options));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'bad_signature');
  });

  it('answers 401 when the signature was made with another secret', () => {
    const headers = headersFor({ 'x-wp-signature': wpSignature('another-secret-0123456', NOW, BODY) });
    assert.equal(rejection(() => verifyWebhook(headers, Buffer.from(BODY), options)).status, 401);
  });

  it('answers 401 when the signature is not 64 lowercase hex characters', () => {
    const upper = wpSignature(SECRET, NOW, BODY).toUpperCase();
    assert.equal(rejection(() => verifyWebhook(headersFor({ 'x-wp-signature': upper }), Buffer.from(BODY), options)).status, 401);
    assert.equal(rejection(() => verifyWebhook(headersFor({ 'x-wp-signature': 'abc' }), Buffer.from(BODY), options)).status, 401);
  });

  it('answers 401 when the timestamp is 301 s old or 301 s ahead, and accepts 300 s', () => {
    for (const skew of [-301, 301]) {
      const ts = NOW + skew;
      const headers = headersFor({ 'x-wp-timestamp': String(ts), 'x-wp-signature': wpSignature(SECRET, ts, BODY) });
      const error = rejection(() => verifyWebhook(headers, Buffer.from(BODY), options));
      assert.equal(error.status, 401);
      assert.equal(error.code, 'timestamp_out_of_window');
    }
    const ts = NOW - 300;
    const headers = headersFor({ 'x-wp-timestamp': String(ts), 'x-wp-signature': wpSignature(SECRET, ts, BODY) });
    assert.equal(verifyWebhook(headers, Buffer.from(BODY), options).idempotencyKey, 'abc-123');
  });

  it('answers 401 when a signature is replayed with a fresh timestamp', () => {
    const headers = headersFor({ 'x-wp-timestamp': String(NOW + 10) });
    assert.equal(rejection(() => verifyWebhook(headers, Buffer.from(BODY), options)).code, 'bad_signature');
  });

  it('answers 400 when the timestamp is not Unix seconds', () => {
    const error = rejection(() => verifyWebhook(headersFor({ 'x-wp-timestamp': '2023-11-14T22:13:20Z' }), Buffer.from(BODY), options));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'malformed_timestamp');
  });

  it('answers 400 when the idempotency key has characters outside [A-Za-z0-9._:-] or is too long', () => {
    for (const key of ['abc 123', 'a/b', 'x'.repeat(65)]) {
      const error = rejection(() => verifyWebhook(headersFor({ 'idempotency-key': key }), Buffer.from(BODY), options));
      assert.equal(error.code, 'invalid_idempotency_key');
    }
  });
});

describe('several secrets during a rotation', () => {
  const rotating: VerifyOptions = {
    secrets: parseSecrets('old:old-secret-0123456789,new:new-secret-0123456789', { keyed: true }),
    toleranceSeconds: 300,
    nowSeconds: NOW,
  };
  const signWith = (secret: string, keyId?: string) =>
    signedHeaders({ secret, keyId, body: BODY, idempotencyKey: 'abc-123', timestamp: NOW });

  it('tries every active secret when no key id is sent', () => {
    assert.equal(verifyWebhook(signWith('old-secret-0123456789'), Buffer.from(BODY), rotating).keyId, 'old');
    assert.equal(verifyWebhook(signWith('new-secret-0123456789'), Buffer.from(BODY), rotating).keyId, 'new');
  });

  it('tries only the named secret when a key id is sent', () => {
    assert.equal(verifyWebhook(signWith('new-secret-0123456789', 'new'), Buffer.from(BODY), rotating).keyId, 'new');
    const error = rejection(() => verifyWebhook(signWith('new-secret-0123456789', 'old'), Buffer.from(BODY), rotating));
    assert.equal(error.code, 'bad_signature');
  });

  it('answers 401 for a key id that names no active secret', () => {
    const error = rejection(() => verifyWebhook(signWith('new-secret-0123456789', 'retired'), Buffer.from(BODY), rotating));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'unknown_key_id');
  });
});

describe('Standard Webhooks scheme', () => {
  it('accepts a signature among several space-separated ones, including other versions', () => {
    const valid = standardSignature(SECRET, 'abc-123', NOW, BODY);
    const headers = headersFor({ 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v2,abc ${valid}` }, 'standard');
    assert.equal(verifyWebhook(headers, Buffer.from(BODY), options).scheme, 'standard');
  });

  it('binds the webhook-id into the signature: a swapped id fails', () => {
    const headers = headersFor({ 'webhook-id': 'another-id' }, 'standard');
    assert.equal(rejection(() => verifyWebhook(headers, Buffer.from(BODY), options)).code, 'bad_signature');
  });

  it('answers 401 when no v1 signature is offered', () => {
    const headers = headersFor({ 'webhook-signature': 'v2,abc' }, 'standard');
    assert.equal(rejection(() => verifyWebhook(headers, Buffer.from(BODY), options)).status, 401);
  });

  it('answers 400 when webhook-timestamp is missing', () => {
    const headers = headersFor({ 'webhook-timestamp': undefined }, 'standard');
    assert.equal(rejection(() => verifyWebhook(headers, Buffer.from(BODY), options)).code, 'missing_header');
  });
});

describe('secrets', () => {
  it('uses a whsec_ secret as its decoded bytes in both schemes', () => {
    const decoded = secretBytes('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    assert.equal(decoded.length, 24);
    assert.equal(wpSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', NOW, BODY), wpSignature(decoded, NOW, BODY));
  });

  it('refuses malformed secret lists without quoting the secret', () => {
    assert.throws(() => parseSecrets('no-colon-secret-0123456789', { keyed: true }), /entry 1 must be written keyId:secret/);
    assert.throws(
      () => parseSecrets('a:short-secret', { keyed: true }),
      (e: Error) => /at least 16/.test(e.message) && !e.message.includes('short-secret'),
    );
    assert.throws(() => parseSecrets('a:secret-one-0123456789,a:secret-two-0123456789', { keyed: true }), /unique/);
    assert.throws(() => parseSecrets('whsec_!!!!not-base64!!!!', { keyed: false }), /base64/);
  });
});
