import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { ConfigError, PAYLOAD_KEYS_REQUIRED, type Config } from '../config/config';
import { readOrCreateKeyFile } from '../codec/keys';
import { AesGcmPayloadCodec } from '../codec/payload-codec';

export interface ResolvedCodec {
  readonly codec: AesGcmPayloadCodec;
  /** Set when the keys came from (or were just written to) the embedded mode's key file. */
  readonly keyFile?: { readonly path: string; readonly created: boolean };
}

/**
 * The payload codec every client and worker of this process uses, so lead fields, comments and post text are
 * stored encrypted in Temporal's history. Keys come from PAYLOAD_ENCRYPTION_KEYS; the embedded mode (`npm start`)
 * without them uses its key file, created on first use. Pointed at a real cluster without keys the relay
 * refuses to start, rather than write personal data into the history in plaintext.
 */
export function resolvePayloadCodec(config: Config): ResolvedCodec {
  const { keys, keyFile } = config.payloadEncryption;
  if (keys) return { codec: new AesGcmPayloadCodec(keys) };
  if (keyFile === undefined) {
    throw new ConfigError([PAYLOAD_KEYS_REQUIRED]);
  }
  try {
    const { keys: fileKeys, created } = readOrCreateKeyFile(keyFile);
    return { codec: new AesGcmPayloadCodec(fileKeys), keyFile: { path: keyFile, created } };
  } catch (error) {
    throw new ConfigError([`PAYLOAD_KEY_FILE: ${(error as Error).message}`]);
  }
}

export function dataConverterOf(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

/**
 * The CLI's codec: the same keys as the relay when it has them; without, none, so commands that read no payloads
 * (`failed`, `reset`) still work against a cluster whose keys this shell lacks.
 */
export function cliPayloadCodec(config: Config): AesGcmPayloadCodec | undefined {
  if (config.payloadEncryption.keys === undefined && config.payloadEncryption.keyFile === undefined) return undefined;
  return resolvePayloadCodec(config).codec;
}
