/**
 * A failure the CLI reports as one line (no stack): the message says what went wrong and what to do.
 * `exitCode` 2 means "wrong usage"; commands pick others for their own outcomes.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string, usage: string) {
    super(`${message}\n\nusage: ${usage}`, 2);
  }
}
