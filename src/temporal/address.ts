import { ConfigError, type Config } from '../config/config';

/** A receiver or worker run on its own has no embedded server to fall back on. */
export function requireTemporalAddress(config: Config, role: 'receiver' | 'worker'): string {
  if (config.temporal.address !== undefined) return config.temporal.address;
  throw new ConfigError([
    `TEMPORAL_ADDRESS: required to run the ${role} on its own (\`npm start\` runs receiver, worker and an embedded Temporal dev server together)`,
  ]);
}
