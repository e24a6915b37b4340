import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the SDK runtime once per process, before any worker: signals are left to our entry points (which stop
 * the receiver before draining the worker), and the SDK's own log lines (bundler output included) are kept to
 * warnings unless asked for.
 */
export function installRuntime(level: LogLevel = 'WARN'): void {
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(level) });
}
