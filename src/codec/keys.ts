import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One AES-256 key of the payload codec; the id is stored beside every payload it encrypted. */
export interface PayloadKey {
  readonly keyId: string;
  readonly key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `PAYLOAD_ENCRYPTION_KEYS`: `kid1:<base64 of 32 bytes>,kid2:<...>`, the first one encrypting. Errors name
 * the entry, never the key.
 */
export function parsePayloadKeys(source: string): PayloadKey[] {
  const keys = source.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    const keyId = entry.slice(0, colon).trim();
    if (colon < 0 || !KEY_ID.test(keyId)) {
      throw new Error(`entry ${index + 1} must be written keyId:base64key, keyId of [A-Za-z0-9._-]{1,64}`);
    }
    const encoded = entry.slice(colon + 1).trim();
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || key.toString('base64') !== encoded) {
      throw new Error(`key "${keyId}" must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
    }
    return { keyId, key };
  });
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}

/** A new key written as one `PAYLOAD_ENCRYPTION_KEYS` entry. */
export function newPayloadKeyEntry(keyId: string): string {
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}

/**
 * The embedded mode's keys: read from `file`, created with one fresh key (mode 0600) the first time, so `npm start`
 * encrypts from its first run and a restart still reads the history it wrote. The file sits beside the dev
 * server's history; whoever can read one can read the other, which is the dev server's threat model anyway.
 */
export function readOrCreateKeyFile(file: string): { keys: PayloadKey[]; created: boolean } {
  let source: string;
  let created = false;
  try {
    source = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    source = newPayloadKeyEntry(`local-${Date.now().toString(36)}`);
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${source}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      created = true;
    } catch (raced) {
      // Another process (the CLI, a second start) created it first: use that one.
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      source = readFileSync(file, 'utf8').trim();
    }
  }
  try {
    return { keys: parsePayloadKeys(source), created };
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
