/** One active signing secret. `keyId` is set when secrets were configured as `kid:secret` pairs. */
export interface SigningSecret {
  readonly keyId: string | undefined;
  readonly key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A secret written `whsec_<base64>` is used as its decoded bytes (the Standard Webhooks convention), any other
 * as its UTF-8 bytes; the same rule applies to both signature schemes so one secret serves either.
 */
export function secretBytes(secret: string): Buffer {
  if (secret.startsWith('whsec_')) {
    const encoded = secret.slice('whsec_'.length);
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
      throw new Error('a whsec_ secret must be followed by valid base64');
    }
    return bytes;
  }
  return Buffer.from(secret, 'utf8');
}

/**
 * Parses `WP_RELAY_SECRET` (one secret) or `WP_RELAY_SECRETS` (`kid1:secret1,kid2:secret2`, several active during a
 * rotation). Errors never quote the secret itself.
 */
export function parseSecrets(source: string, options: { keyed: boolean }): SigningSecret[] {
  if (!options.keyed) {
    if (source.length < 16) throw new Error('must be at least 16 characters long');
    return [{ keyId: undefined, key: secretBytes(source) }];
  }
  const secrets = source.split(',').map((pair, index) => {
    const colon = pair.indexOf(':');
    const keyId = pair.slice(0, colon).trim();
    const secret = pair.slice(colon + 1).trim();
    if (colon < 0 || !KEY_ID.test(keyId)) {
      throw new Error(`entry ${index + 1} must be written keyId:secret, keyId of [A-Za-z0-9._-]{1,64}`);
    }
    if (secret.length < 16) throw new Error(`secret of key id "${keyId}" must be at least 16 characters long`);
    return { keyId, key: secretBytes(secret) };
  });
  const ids = new Set(secrets.map((s) => s.keyId));
  if (ids.size !== secrets.length) throw new Error('key ids must be unique');
  return secrets;
}
