import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from '../logging/logger';

/** What the SDK logs per activity attempt; logActivityAttempts already writes the attempt's one line. */
const ATTEMPT_MESSAGES = new Set(['Activity failed', 'Activity completed', 'Activity completed as cancelled']);

/** Fields never written: a task token completes an activity on its own, so it is a credential of sorts. */
const DROPPED = new Set(['taskToken', 'base64TaskToken']);

/**
 * The SDK's logger (Runtime.install({ logger })) on the relay's pino logger, so the SDK's warnings, the Rust core's
 * forwarded lines and the activity context's logs are JSON lines like every other, one line each: an error goes to
 * pino's `err` serializer (class, message, stack on one line) instead of a multi-line dump.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(meta)) {
      if (DROPPED.has(key)) continue;
      fields[key === 'error' || key === 'failure' ? 'err' : key] = value;
    }
    const pinoLevel = ATTEMPT_MESSAGES.has(message) ? 'debug' : level === 'WARN' ? 'warn' : level.toLowerCase();
    this.logger[pinoLevel as 'trace' | 'debug' | 'info' | 'warn' | 'error'](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
