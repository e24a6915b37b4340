import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalCluster } from '../tools/cluster/cluster';
import type { ServiceLayout } from '../tools/cluster/services';

/**
 * How long the cluster harness takes to start and stop, in both layouts: on a fresh directory (initdb and schemas
 * included) and again on the same directory (what `npm run cluster` costs after the first time). Prints figures only.
 */
export async function runClusterStartup(print: (line: object) => void): Promise<void> {
  for (const layout of ['single', 'separate'] as const) await measure(layout, print);
}

async function measure(layout: ServiceLayout, print: (line: object) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-cluster-bench-'));
  const binDir = process.env.TEMPORAL_SERVER_BIN_DIR || undefined;
  try {
    for (const round of ['fresh dir', 'same dir']) {
      const started = performance.now();
      const cluster = await startTemporalCluster({ dir, services: layout, binDir });
      const ready = performance.now();
      await cluster.stop();
      const stopped = performance.now();
      print({
        scenario: 'cluster-startup',
        layout,
        directory: round,
        ready_s: Number(((ready - started) / 1000).toFixed(1)),
        stopped_s: Number(((stopped - ready) / 1000).toFixed(1)),
        load_average_1m: Number(loadavg()[0]!.toFixed(1)),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
