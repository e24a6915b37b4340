import { ConfigError } from '../config/config';
import { StartupError } from './startup-error';
import { TemporalCliMissingError } from '../temporal/temporal-cli';

/** How often a process checks that whoever started it (npm, a shell, a test) is still there. */
const PARENT_CHECK_MS = 1000;

/**
 * Runs an entry point: `start` brings the service up and returns how to stop it. SIGINT or SIGTERM stops it
 * cleanly (a second signal exits at once), during start-up too: `start` sees its `signal` abort, stops what it
 * started and rejects. The process also stops when its parent goes away (npm killed, a terminal closed), so nothing
 * it started is left behind without an owner. A start-up error is printed (its message alone when it is one of ours
 * and already says what to do) and exits non-zero.
 */
export function runEntryPoint(start: (signal: AbortSignal) => Promise<() => Promise<void>>): void {
  const aborting = new AbortController();
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const stopNow = (stopService: () => Promise<void>) =>
    stopService().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  const onSignal = (reason: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`${reason}, stopping (press Ctrl-C again to force)`);
    aborting.abort(new StartupError(`${reason} during start-up`));
    if (stop) void stopNow(stop);
  };
  process.on('SIGINT', () => onSignal('SIGINT received'));
  process.on('SIGTERM', () => onSignal('SIGTERM received'));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onSignal(`parent process ${parent} exited`);
  }, PARENT_CHECK_MS).unref();

  start(aborting.signal)
    .then((stopService) => {
      stop = stopService;
      if (stopping) void stopNow(stopService);
    })
    .catch((error: unknown) => {
      if (stopping) process.exit(0);
      const known = error instanceof ConfigError || error instanceof TemporalCliMissingError || error instanceof StartupError;
      console.error(known ? error.message : error);
      process.exit(1);
    });
}
