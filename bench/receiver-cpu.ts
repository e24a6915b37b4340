import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../tools/cluster/free-port';
import { healthy } from '../tools/spawn-entry-point';
import { startDevServer } from '../src/temporal/dev-server';
import { runLoad } from './load';
import { cpuSeconds, rssMb } from '../tools/proc-stats';
import { pairs } from './options';
import { QuietMachineError, requireQuietMachine } from './quiet';
import { buildProject, spawnService } from './services';
import { BENCH_SECRET } from './stack';
import { round } from './stats';

const HELP = `npm run bench:receiver-cpu -- [flags]

The receiver's CPU per accepted request: \`node dist/src/receiver.js\` (tracing off, LOG_LEVEL=info) against an
in-memory Temporal dev server, fresh signed post.published events at a fixed rate; process CPU time (from /proc)
over the measured events divided by the requests answered. It builds first (tsc -b, as \`npm start\` does).
CPU time depends less on the machine's other users than latency does, but on a busy box (load average above 1) it
still grows (caches, frequency, the dev server falling behind): it refuses to run there without --force.

  --events <n>      measured events (default 10000)
  --warmup <n>      events before the measurement, not counted (default 1000)
  --rate <n>        events per second (default 200)
  --tsx             run src/receiver.ts through the tsx loader instead of the compiled JavaScript
  --entry <file>    run this compiled receiver instead (another checkout's dist/src/receiver.js: before/after)
  --profile <dir>   also write a CPU profile of the receiver there (node --cpu-prof); summarise it with
                    \`npx tsx bench/cpu-profile.ts <dir>/*.cpuprofile\`
  --env <K=V>       extra environment for the receiver (repeatable)
  --force           run although the machine is busy (exploration only)
`;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '200' },
    tsx: { type: 'boolean', default: false },
    entry: { type: 'string' },
    profile: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  if (values.help) return void console.log(HELP);
  requireQuietMachine(values.force, (line) => console.error(`[receiver-cpu] ${line}`));
  if (!values.tsx && values.entry === undefined) await buildProject((line) => console.error(`[receiver-cpu] ${line}`));
  const events = Number(values.events);
  const rate = Number(values.rate);
  const warmup = Number(values.warmup);
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-receiver-cpu-'));
  const [temporalPort, port] = await Promise.all([freePort(), freePort()]);
  const temporal = await startDevServer({ port: temporalPort, namespace: 'default', retentionDays: 1 });
  try {
    const profile = values.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values.profile];
    const entry = values.tsx ? ['--import', 'tsx', 'src/receiver.ts'] : [values.entry ?? 'dist/src/receiver.js'];
    const receiver = await spawnService({
      entry: 'receiver',
      command: [process.execPath, ...profile, ...entry],
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        TEMPORAL_ADDRESS: temporal.address,
        WP_RELAY_SECRET: BENCH_SECRET,
        PAYLOAD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'info',
        ...pairs(values.env, 'env'),
      },
      logFile: join(dir, 'receiver.log'),
      ready: healthy(`http://127.0.0.1:${port}`),
    });
    try {
      let cpu0 = 0;
      const result = await runLoad(
        {
          target: 'http',
          url: `http://127.0.0.1:${port}`,
          kind: 'unique',
          secret: BENCH_SECRET,
          client: 'agent',
          connections: 64,
          rate,
          warmupSeconds: warmup / rate,
          durationSeconds: events / rate,
        },
        () => {
          cpu0 = cpuSeconds(receiver.pid, { tree: false });
        },
      );
      const cpu = cpuSeconds(receiver.pid, { tree: false }) - cpu0;
      const accepted = result.statuses['202'] ?? 0;
      console.log(
        JSON.stringify({
          receiver: entry.join(' '),
          env: values.env,
          rate,
          requests: result.requests,
          accepted,
          statuses: result.statuses,
          errors: result.errors,
          not_sent: result.notSent,
          cpu_s: round(cpu, 2),
          cpu_ms_per_request: round((cpu * 1000) / result.requests, 3),
          rss_mb: Math.round(rssMb(receiver.pid)),
          p50_ms: result.latency.p50,
          p99_ms: result.latency.p99,
          load_average: loadavg().map((v) => round(v, 2)),
        }),
      );
    } finally {
      await receiver.stop();
    }
  } finally {
    await temporal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof QuietMachineError ? `[receiver-cpu] ${error.message}` : error);
  process.exit(1);
});
