import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from './keys';

/** The metadata a payload encrypted by this codec carries; everything else passes through untouched. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload names a key that none of the configured keys has: the operator removed it too early. */
export class UnknownPayloadKeyError extends Error {
  override readonly name = 'UnknownPayloadKeyError';
  constructor(keyId: string) {
    super(
      `payload encrypted with key id "${keyId}", which is not in PAYLOAD_ENCRYPTION_KEYS: add that key back ` +
        '(listed after the current one) until no history needs it',
    );
  }
}

/**
 * AES-256-GCM over the whole serialised payload (data and metadata), so neither the value nor its encoding is
 * readable without the key. The first key encrypts; every key decrypts, so a key rotation is: put the new key
 * first, keep the old ones behind it for as long as the namespace's retention. Payloads that were never
 * encrypted (histories recorded before the codec) decode as they are, so they still replay.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (current === undefined) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.keyId, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.current.keyId),
      },
      data: encrypt(temporal.api.common.v1.Payload.encode(payload).finish(), this.current.key),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(keyId);
      if (key === undefined) throw new UnknownPayloadKeyError(keyId);
      if (!payload.data) throw new Error('encrypted payload without data');
      return temporal.api.common.v1.Payload.decode(decrypt(payload.data, key));
    });
  }
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

/**
 * Random bytes for IVs, drawn from the CSPRNG in blocks (as Node's randomUUID does): one call into OpenSSL per 256
 * payloads instead of one each. Each IV is 12 bytes of the block used once, so IVs stay random and never repeat.
 */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;

/** A view into the pool: valid until the next call, which is enough for encrypt(), which copies it at once. */
function nextIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
}

/** iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes), a fresh random iv per payload. */
function encrypt(plain: Uint8Array, key: Buffer): Uint8Array {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function decrypt(sealed: Uint8Array, key: Buffer): Uint8Array {
  const bytes = Buffer.from(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
}
