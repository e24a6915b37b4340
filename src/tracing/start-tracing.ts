import type { Config } from '../config/config';
import type { Tracing } from './tracing';

export type { Tracing } from './tracing';

/**
 * Starts the OpenTelemetry SDK when tracing is configured; undefined otherwise, and then not even its modules are
 * loaded. The SDK configures itself from the standard OTEL_* variables: exporter, protocol, endpoint, headers,
 * sampler, resource.
 */
export function startTracing(config: Config, serviceName: string): Tracing | undefined {
  if (!config.tracing.enabled) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./sdk') as typeof import('./sdk');
  return startSdk(config, serviceName);
}
