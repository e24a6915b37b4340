import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { cliPayloadCodec, dataConverterOf } from '../temporal/data-converter';
import type { Config } from '../config/config';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { CliError } from './errors';

export interface TemporalTarget {
  /** host:port; defaults to TEMPORAL_ADDRESS, else the embedded dev server `npm start` runs. */
  readonly address?: string | undefined;
  readonly namespace?: string | undefined;
}

export interface CliClient {
  readonly client: Client;
  readonly namespace: string;
  readonly address: string;
  close(): Promise<void>;
}

export async function connectClient(config: Config, target: TemporalTarget = {}): Promise<CliClient> {
  const address = target.address ?? config.temporal.address ?? `127.0.0.1:${config.temporal.dev.port}`;
  const namespace = target.namespace ?? config.temporal.namespace;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(config, address), connectTimeout: 5000 });
  } catch (error) {
    throw new CliError(
      `cannot reach Temporal at ${address} (${(error as Error).message}); ` +
        'set TEMPORAL_ADDRESS or pass --address, and the TEMPORAL_TLS_* / TEMPORAL_API_KEY variables for a secured cluster',
    );
  }
  return {
    client: new Client({ connection, namespace, ...withCodec(config) }),
    namespace,
    address,
    close: () => connection.close(),
  };
}

function withCodec(config: Config): { dataConverter?: DataConverter } {
  const codec = cliPayloadCodec(config);
  return codec ? { dataConverter: dataConverterOf(codec) } : {};
}

/** The --address / --namespace flags every Temporal command takes. */
export const TARGET_OPTIONS = {
  address: { type: 'string' },
  namespace: { type: 'string' },
} as const;
