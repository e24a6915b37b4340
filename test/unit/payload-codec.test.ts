import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { resolvePayloadCodec } from '../../src/temporal/data-converter';
import { newPayloadKeyEntry, parsePayloadKeys, readOrCreateKeyFile } from '../../src/codec/keys';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, UnknownPayloadKeyError } from '../../src/codec/payload-codec';
import { ConfigError, loadConfig } from '../../src/config/config';

const OLD = newPayloadKeyEntry('old');
const NEW = newPayloadKeyEntry('new');
const lead = defaultPayloadConverter.toPayload({ fields: { email: 'someone@example.org' } });

describe('the AES-256-GCM payload codec', () => {
  it('encrypts data and metadata, names its key id, and decodes back to the same payload', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(OLD));
    const [encoded] = await codec.encode([lead]);
    assert.equal(Buffer.from(encoded!.metadata!.encoding!).toString(), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString(), 'old');
    assert.ok(!Buffer.from(encoded!.data!).includes('someone@example.org'));
    assert.ok(!Buffer.from(encoded!.data!).includes('json/plain'));
    const [decoded] = await codec.decode([encoded!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { fields: { email: 'someone@example.org' } });
  });

  it('uses a fresh IV per payload, so equal inputs give different ciphertexts', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(OLD));
    const [a, b] = await codec.encode([lead, lead]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('never repeats an IV across its blocks of random bytes, and every payload still decrypts', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(OLD));
    // Over three blocks of 256 IVs, across calls: the block is refilled, never reused.
    const encoded = (await Promise.all(Array.from({ length: 10 }, () => codec.encode(Array.from({ length: 77 }, () => lead))))).flat();
    const ivs = new Set(encoded.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    assert.equal(ivs.size, encoded.length);
    const decoded = await codec.decode(encoded);
    assert.ok(decoded.every((p) => Buffer.from(p.data!).equals(Buffer.from(lead.data!))));
  });

  it('rotation: the first key encrypts, every listed key decrypts', async () => {
    const before = await new AesGcmPayloadCodec(parsePayloadKeys(OLD)).encode([lead]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeys(`${NEW},${OLD}`));
    const [decoded] = await rotated.decode(before);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { fields: { email: 'someone@example.org' } });
    const [after] = await rotated.encode([lead]);
    assert.equal(Buffer.from(after!.metadata!['encryption-key-id']!).toString(), 'new');
  });

  it('a payload of a removed key fails with an error naming the key id, not the key', async () => {
    const encoded = await new AesGcmPayloadCodec(parsePayloadKeys(OLD)).encode([lead]);
    await assert.rejects(new AesGcmPayloadCodec(parsePayloadKeys(NEW)).decode(encoded), (error: unknown) => {
      assert.ok(error instanceof UnknownPayloadKeyError);
      assert.match(error.message, /"old"/);
      assert.ok(!error.message.includes(OLD.slice(4)));
      return true;
    });
  });

  it('a tampered ciphertext is refused (GCM authentication)', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(OLD));
    const [encoded] = await codec.encode([lead]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...encoded!, data }]));
  });

  it('passes payloads it did not encrypt through, so histories from before the codec still read', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(OLD));
    assert.deepEqual(await codec.decode([lead]), [lead]);
  });
});

describe('payload keys in configuration', () => {
  it('refuses keys that are not 32 bytes of base64, naming the entry and never the value', () => {
    assert.throws(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PAYLOAD_ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
      assert.ok(!error.message.includes('c2hvcnQ='));
      return true;
    });
    assert.throws(() => parsePayloadKeys(`${OLD},${OLD}`), /unique/);
    assert.throws(() => parsePayloadKeys('no-colon'), /keyId:base64key/);
  });

  it('a relay pointed at a real cluster without keys refuses to start rather than store plaintext', () => {
    assert.throws(() => resolvePayloadCodec(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })), /PAYLOAD_ENCRYPTION_KEYS: required when TEMPORAL_ADDRESS is set/);
    assert.ok(resolvePayloadCodec(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', PAYLOAD_ENCRYPTION_KEYS: OLD })).codec);
  });

  it('embedded without keys: a key file is created once (mode 0600) and read again on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-keys-'));
    try {
      const file = join(dir, 'nested/payload-keys');
      const first = resolvePayloadCodec(loadConfig({ PAYLOAD_KEY_FILE: file }));
      assert.equal(first.keyFile?.created, true);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const second = readOrCreateKeyFile(file);
      assert.equal(second.created, false);
      assert.equal(readFileSync(file, 'utf8').trim().split(':')[0], second.keys[0]!.keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
