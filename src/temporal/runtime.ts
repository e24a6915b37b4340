import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logging/logger';
import { PinoSdkLogger } from './sdk-logger';

/**
 * Installs the SDK runtime once per process, before any worker or NativeConnection: signals are left to our
 * entry points (which stop the receiver before draining the worker). With `logger`, the SDK's own lines (its
 * warnings, the Rust core's, bundler output) go through it as JSON; they are kept to `level` and above. With
 * `metricsAddress` (host:port) the SDK serves its Prometheus metrics there at `/metrics` (task slots, poll latency,
 * workflow and activity outcomes); without, no endpoint.
 */
export function installRuntime(level: LogLevel = 'WARN', metricsAddress?: string, logger?: Logger): void {
  Runtime.install({
    shutdownSignals: [],
    logger: logger ? new PinoSdkLogger(logger.child({ component: 'temporal-sdk' }, { level: level.toLowerCase() })) : new DefaultLogger(level),
    telemetryOptions: {
      ...(logger ? { logging: { filter: { core: level, other: level }, forward: {} } } : {}),
      ...(metricsAddress === undefined ? {} : { metrics: { prometheus: { bindAddress: metricsAddress } } }),
    },
  });
}
