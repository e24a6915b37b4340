import { UsageError } from './errors';

/** A command that takes only options refuses anything else, with its usage. */
export function refuseArguments(positionals: readonly string[], usage: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, usage);
}

/** `--flag N`'s value as a positive integer, or the command's usage. */
export function positiveInteger(value: string, flag: string, usage: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive integer`, usage);
  return number;
}
