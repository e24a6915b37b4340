import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the SDK runtime once per process, before any worker or NativeConnection: signals are left to our
 * entry points (which stop the receiver before draining the worker), and the SDK's own log lines (bundler output
 * included) are kept to warnings unless asked for. With `metricsAddress` (host:port) the SDK serves its Prometheus
 * metrics there at `/metrics` (task slots, poll latency, workflow and activity outcomes); without, no endpoint.
 */
export function installRuntime(level: LogLevel = 'WARN', metricsAddress?: string): void {
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(level),
    ...(metricsAddress === undefined ? {} : { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }),
  });
}
