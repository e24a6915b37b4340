import { ConfigError } from './config';
import { TemporalCliMissingError } from './temporal/temporal-cli';

/**
 * Runs an entry point: `start` brings the service up and returns how to stop it. Ctrl-C or SIGTERM stops it
 * cleanly (a second signal exits at once); a start-up error is printed (its message alone when it is one of
 * ours and already says what to do) and exits non-zero.
 */
export function runEntryPoint(start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(130);
        stopping = true;
        console.error(`${signal} received, stopping (press Ctrl-C again to force)`);
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    })
    .catch((error: unknown) => {
      const known = error instanceof ConfigError || error instanceof TemporalCliMissingError;
      console.error(known ? error.message : error);
      process.exit(1);
    });
}
