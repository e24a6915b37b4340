import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  entries(): Record<string, unknown>[];
  /** Everything written so far, as written. */
  text(): string;
}

/** The receiver's real pino logger writing into memory, so tests can assert on what would reach the log. */
export function captureLog(level = 'info'): CapturedLog {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  const logger = createLogger(level, 'test-receiver', sink);
  return {
    logger,
    text: () => text,
    entries: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
