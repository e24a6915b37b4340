import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTemporalCluster, type TemporalCluster } from '../tools/cluster/cluster';
import { runLoad } from './load';
import { cpuSeconds, machineBusySeconds } from '../tools/proc-stats';
import { healthy } from '../tools/spawn-entry-point';
import { spawnService } from './services';
import { freePort } from '../tools/cluster/free-port';
import { round } from './stats';

const HELP = `npm run bench:cluster-accept -- [flags]

The accept path on the production shape: the receiver (its own process) in front of the real Temporal server on
PostgreSQL (tools/cluster harness), loaded with fresh signed post.published events at fixed rates; no worker polls the
task queue, so it measures the way in. Per run: latency, achieved rate, CPU of receiver / Temporal / PostgreSQL,
and PostgreSQL's commits and WAL flushes (fsyncs) per accepted request (pg_stat_database, pg_stat_wal).

  --rate <n,...>      requests per second (default 100,300)
  --duration <s>      measured seconds per run (default 10)
  --warmup <s>        seconds before measuring (default 2)
  --rounds <n>        rounds over the rates (default 2)
  --connections <n>   most requests in flight (default 16)
  --services <l>      single | separate (default single)
  --pg-variant <spec> NAME[:k=v,...] PostgreSQL settings (reloadable ones) applied with ALTER SYSTEM + reload
                      before that variant's runs (repeatable; variants alternate within each round, so a pair is
                      measured side by side), e.g. 'group:commit_delay=1000,commit_siblings=2' (durable: a commit
                      still waits for its own WAL flush). Default: one variant, "defaults".
`;

const SECRET = 'wp-ai-relay-bench-secret';

async function pgCounters(cluster: TemporalCluster): Promise<{ commits: number; walSyncs: number; walWrites: number }> {
  const commits = Number((await cluster.queryPostgres("SELECT sum(xact_commit) FROM pg_stat_database WHERE datname LIKE 'temporal%'")).trim());
  const [walWrites, walSyncs] = (await cluster.queryPostgres('SELECT wal_write, wal_sync FROM pg_stat_wal')).trim().split('|').map(Number);
  return { commits, walSyncs: walSyncs ?? NaN, walWrites: walWrites ?? NaN };
}

function parsePgVariant(spec: string): { name: string; settings: [string, string][] } {
  const colon = spec.indexOf(':');
  const settings = colon < 0 ? [] : spec.slice(colon + 1).split(',').map((pair): [string, string] => {
    const eq = pair.indexOf('=');
    if (eq <= 0 || !/^[a-z_]+$/.test(pair.slice(0, eq))) throw new Error(`--pg-variant ${spec}: "${pair}" is not name=value`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
  return { name: colon < 0 ? spec : spec.slice(0, colon), settings };
}

/** Back to the harness's settings, then the variant's, reloaded (settings that need a restart are refused by PostgreSQL). */
async function applyPgSettings(cluster: TemporalCluster, settings: readonly [string, string][]): Promise<void> {
  await cluster.queryPostgres('ALTER SYSTEM RESET ALL');
  for (const [name, value] of settings) await cluster.queryPostgres(`ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}'`);
  await cluster.queryPostgres('SELECT pg_reload_conf()');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '100,300' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      services: { type: 'string', default: 'single' },
      'pg-variant': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const layout = values.services === 'separate' ? 'separate' : 'single';
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-cluster-accept-'));
  // PostgreSQL runs as its own user when the bench runs as root: it must be able to reach its data directory.
  chmodSync(dir, 0o755);
  const cluster = await startTemporalCluster({ dir: join(dir, 'cluster'), services: layout, binDir: process.env.TEMPORAL_SERVER_BIN_DIR || undefined, log: (l) => console.error(`[cluster] ${l}`) });
  try {
    const variants = (values['pg-variant'].length > 0 ? values['pg-variant'] : ['defaults']).map(parsePgVariant);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const receiver = await spawnService({
      entry: 'src/receiver.ts',
      env: {
        WP_RELAY_SECRET: SECRET,
        TEMPORAL_ADDRESS: cluster.address,
        TEMPORAL_NAMESPACE: cluster.namespace,
        TEMPORAL_TASK_QUEUE: `bench-cluster-${randomUUID().slice(0, 8)}`,
        PAYLOAD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'info',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      logFile: join(dir, 'receiver.log'),
      ready: healthy(url),
    });
    const temporalPids = ['frontend', 'history', 'matching', 'worker'].map((s) => cluster.process(s as 'frontend')?.pid).filter((p): p is number => p !== undefined);
    const postgresPid = cluster.process('postgres')?.pid;
    try {
      for (let r = 1; r <= Number(values.rounds); r++) {
        for (const variant of variants) {
          await applyPgSettings(cluster, variant.settings);
          for (const rate of values.rate.split(',').map(Number)) {
            let t0: { at: number; receiver: number; temporal: number; postgres: number; machine: number } | undefined;
            const temporalCpu = () => [...new Set(temporalPids)].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
            let pg0: Promise<Awaited<ReturnType<typeof pgCounters>>> | undefined;
            const result = await runLoad(
              { target: 'http', url, kind: 'unique', secret: SECRET, connections: Number(values.connections), durationSeconds: Number(values.duration), warmupSeconds: Number(values.warmup), rate },
              () => {
                pg0 = pgCounters(cluster);
                t0 = { at: performance.now(), receiver: cpuSeconds(receiver.pid), temporal: temporalCpu(), postgres: postgresPid ? cpuSeconds(postgresPid) : 0, machine: machineBusySeconds() };
              },
            );
            const seconds = (performance.now() - t0!.at) / 1000;
            const pct = (cpu: number) => Math.round((cpu / seconds) * 100);
            const pgStart = await pg0!;
            const pgEnd = await pgCounters(cluster);
            const accepted = result.statuses['202'] ?? 0;
            const per = (n: number) => round(n / Math.max(1, accepted));
            const receiverCpu = cpuSeconds(receiver.pid) - t0!.receiver;
            const tCpu = temporalCpu() - t0!.temporal;
            const pCpu = (postgresPid ? cpuSeconds(postgresPid) : 0) - t0!.postgres;
            console.log(
              JSON.stringify({
                round: r,
                rate,
                layout,
                variant: variant.name,
                achieved: round(result.requests / result.seconds, 1),
                ...result.latency,
                statuses: result.statuses,
                errors: result.errors + result.timeouts,
                not_sent: result.notSent,
                cpu_pct: { receiver: pct(receiverCpu), temporal: pct(tCpu), postgres: pct(pCpu), other: Math.max(0, pct(machineBusySeconds() - t0!.machine - receiverCpu - tCpu - pCpu)) },
                cpu_ms_per_accept: { receiver: per(receiverCpu * 1000), temporal: per(tCpu * 1000), postgres: per(pCpu * 1000) },
                pg_per_accept: { commits: per(pgEnd.commits - pgStart.commits), wal_syncs: per(pgEnd.walSyncs - pgStart.walSyncs), wal_writes: per(pgEnd.walWrites - pgStart.walWrites) },
                loadavg_1m: round(loadavg()[0]!, 1),
              }),
            );
          }
        }
      }
    } finally {
      await receiver.stop();
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
