import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type Config } from '../config/config';

/** What both `Connection.connect` (client) and `NativeConnection.connect` (worker) accept. */
export interface TemporalConnectionOptions {
  readonly address: string;
  readonly tls?: TLSConfig;
  readonly apiKey?: string;
}

/**
 * The one place a connection to Temporal gets its TLS and API key, so the receiver, the worker and the CLI
 * reach a secured cluster alike. `address` is passed in because `npm start` may run an embedded dev server
 * (TEMPORAL_ADDRESS unset), which speaks plain gRPC whatever else the config says.
 */
export function temporalConnectionOptions(config: Config, address: string): TemporalConnectionOptions {
  const { tls, apiKey } = config.temporal;
  if (config.temporal.address === undefined || !tls.enabled) return { address };
  const tlsConfig: TLSConfig = {
    ...(tls.serverName === undefined ? {} : { serverNameOverride: tls.serverName }),
    ...(tls.caPath === undefined ? {} : { serverRootCACertificate: readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH', tls.caPath) }),
    ...(tls.certPath === undefined || tls.keyPath === undefined
      ? {}
      : {
          clientCertPair: {
            crt: readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', tls.certPath),
            key: readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', tls.keyPath),
          },
        }),
  };
  return { address, tls: tlsConfig, ...(apiKey === undefined ? {} : { apiKey }) };
}

/** Read at start-up so a wrong path stops the process with the variable's name, not a TLS handshake error later. */
function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}
