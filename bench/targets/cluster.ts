import type { Target } from './target';

/** The cluster shape; the harness (src/cluster/) comes from the cluster branch. */
export function startClusterTarget(_options: {
  dir: string;
  secret: string;
  log: (line: string) => void;
  receiverEnv: Record<string, string>;
  workerEnv: Record<string, string>;
}): Promise<Target> {
  return Promise.reject(new Error('the cluster harness (src/cluster/) is not in this branch yet'));
}
