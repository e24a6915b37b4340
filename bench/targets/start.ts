import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from '../options';
import { buildProject } from '../services';
import { BENCH_SECRET } from '../stack';
import { startClusterTarget } from './cluster';
import { startDevTarget } from './dev';
import { startSeedTarget } from './seed';
import type { Target, TargetName } from './target';

export interface StartedTargets {
  readonly targets: Target[];
  /** A printed line per target that could not start, with why (the rest still run side by side). */
  readonly skipped: { target: TargetName; skipped: string }[];
}

/**
 * Starts the selected targets one after another (each start has the machine to itself), each in its own directory.
 * `work` is where the whole loop's work goes (WP_BASE_URL, OPENAI_BASE_URL, ...): given to the relay's worker and
 * to the seed's Celery with its AI step filled in (SEED_WORK=enrich). Without it each run ends at its first step.
 */
export async function startTargets(options: BenchOptions, dir: string, log: (line: string) => void, work?: Record<string, string>): Promise<StartedTargets> {
  const targets: Target[] = [];
  const skipped: StartedTargets['skipped'] = [];
  // PostgreSQL, run as the `postgres` user when the bench runs as root, must be able to pass through the temp dir.
  chmodSync(dir, 0o711);
  const compiledDir = options.targets.some((name) => name !== 'seed') ? await buildProject(log) : '';
  for (const name of options.targets) {
    const common = { dir: join(dir, name), secret: BENCH_SECRET, log };
    mkdirSync(common.dir, { recursive: true });
    try {
      if (name === 'seed') {
        const seed = await startSeedTarget({ ...common, env: work === undefined ? {} : { ...work, SEED_WORK: 'enrich' } });
        log(`seed: smoke check answered ${seed.smoke.status} ${seed.smoke.body}, its task ran ${seed.smoke.task_ran_ms} ms later`);
        targets.push(seed);
      } else if (name === 'dev') {
        targets.push(await startDevTarget({ ...common, compiledDir, env: { ...options.receiverEnv, ...work, ...options.workerEnv }, devArgs: options.devArgs }));
      } else {
        targets.push(await startClusterTarget({ ...common, receiverEnv: options.receiverEnv, workerEnv: { ...work, ...options.workerEnv }, services: options.clusterServices, compiledDir, pgSettings: options.pgSettings, serverTuning: options.serverTuning }));
      }
    } catch (error) {
      const reason = (error as Error).message.split('\n').slice(0, 3).join(' ');
      log(`${name}: not measured: ${reason}`);
      skipped.push({ target: name, skipped: reason });
    }
  }
  return { targets, skipped };
}
