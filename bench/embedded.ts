import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DEV_SECRET } from '../src/config/config';
import { startEmbeddedRelay, type Variant } from './embedded-relay';
import { runLoad } from './load';
import { callsPerRequest, persistenceCalls, type PersistenceCalls } from './persistence-metrics';
import { cpuSeconds, machineBusySeconds } from './proc-stats';
import { median, round } from './stats';

const HELP = `npm run bench:embedded -- [flags]

The embedded default as a user runs it (\`npm start\`: dev server on SQLite, worker, receiver in one process), loaded
with fresh signed post.published events at a fixed rate. Variants run interleaved, each round on a fresh relay and
database, so a lever's before/after come from the same minutes of the same machine.

  --rate <n>          requests per second, evenly paced (default 100)
  --duration <s>      measured seconds per run (default 10)
  --warmup <s>        seconds at the same rate before measuring (default 2)
  --rounds <n>        rounds over the variants (default 2)
  --connections <n>   most requests in flight (default 16, as npm run bench)
  --variant <spec>    NAME[:K=V,...] (repeatable; default one "default" variant). K=V is the relay's environment;
                      the key DEV_ARGS holds extra \`temporal server start-dev\` flags, space-separated, e.g.
                      'batch:DEV_ARGS=--dynamic-config-value history.x=1'
  --keep              keep the temp dir (relay logs, databases)
`;

interface RunLine {
  readonly variant: string;
  readonly round: number;
  readonly rate: number;
  readonly achieved: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly not_sent: number;
  /** 100 = one core. */
  readonly cpu_pct: { relay: number; temporal: number; load: number; other: number };
  readonly cpu_ms_per_request: { relay: number; temporal: number };
  /** The dev server's persistence calls per answered request (all services), in the measured window. */
  readonly persistence_per_request: ReturnType<typeof callsPerRequest>;
  /** Workflows the run left in each state, from visibility (accepted runs the worker has executed or not). */
  readonly workflows: Record<string, number>;
  readonly loadavg_1m: number;
}

function parseVariant(spec: string): Variant {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const env: Record<string, string> = {};
  let devArgs: string[] = [];
  if (colon >= 0) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--variant ${spec}: "${pair}" is not K=V`);
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (key === 'DEV_ARGS') devArgs = value.split(' ').filter((a) => a !== '');
      else env[key] = value;
    }
  }
  return { name, env, devArgs };
}

async function measure(variant: Variant, round_: number, dir: string, pace: { rate: number; duration: number; warmup: number; connections: number }): Promise<RunLine> {
  const relay = await startEmbeddedRelay(variant, join(dir, `${variant.name}-${round_}`));
  try {
    let start: { relay: number; temporal: number; load: number; machine: number; at: number; self: number } | undefined;
    let loadPid = 0;
    let calls0: Promise<PersistenceCalls> | undefined;
    const result = await runLoad(
      {
        target: 'http',
        url: relay.url,
        kind: 'unique',
        secret: DEV_SECRET,
        connections: pace.connections,
        durationSeconds: pace.duration,
        warmupSeconds: pace.warmup,
        rate: pace.rate,
      },
      (pid) => {
        loadPid = pid;
        calls0 = persistenceCalls(relay.temporalMetricsUrl);
        start = {
          relay: cpuSeconds(relay.pid, { tree: false }),
          temporal: cpuSeconds(relay.temporalPid),
          load: cpuSeconds(pid, { tree: false }),
          machine: machineBusySeconds(),
          self: cpuSeconds(process.pid, { tree: false }),
          at: performance.now(),
        };
      },
    );
    // The load process has exited by now; its CPU is read from the last sample we can get, so take the rest first.
    const seconds = (performance.now() - start!.at) / 1000;
    const relayCpu = cpuSeconds(relay.pid, { tree: false }) - start!.relay;
    const temporalCpu = cpuSeconds(relay.temporalPid) - start!.temporal;
    const loadCpu = Math.max(0, cpuSeconds(loadPid, { tree: false }) - start!.load);
    const machine = machineBusySeconds() - start!.machine;
    const self = cpuSeconds(process.pid, { tree: false }) - start!.self;
    const pct = (cpu: number) => Math.round((cpu / seconds) * 100);
    const persistence = callsPerRequest(await calls0!, await persistenceCalls(relay.temporalMetricsUrl), result.requests);
    const workflows = await workflowStates(relay.temporalAddress);
    return {
      variant: variant.name,
      round: round_,
      rate: pace.rate,
      achieved: round(result.requests / result.seconds, 1),
      ...result.latency,
      statuses: result.statuses,
      errors: result.errors + result.timeouts,
      not_sent: result.notSent,
      cpu_pct: { relay: pct(relayCpu), temporal: pct(temporalCpu), load: pct(loadCpu), other: Math.max(0, pct(machine - relayCpu - temporalCpu - loadCpu - self)) },
      cpu_ms_per_request: { relay: round((relayCpu * 1000) / result.requests), temporal: round((temporalCpu * 1000) / result.requests) },
      persistence_per_request: persistence,
      workflows,
      loadavg_1m: round(loadavg()[0]!, 1),
    };
  } finally {
    await relay.stop();
  }
}

async function workflowStates(address: string): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const states: Record<string, number> = {};
    for (const status of ['Running', 'Completed', 'Failed']) {
      states[status.toLowerCase()] = (await client.workflow.count(`ExecutionStatus = "${status}"`)).count;
    }
    return states;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '100' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      variant: { type: 'string', multiple: true, default: [] },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const pace = { rate: Number(values.rate), duration: Number(values.duration), warmup: Number(values.warmup), connections: Number(values.connections) };
  for (const [name, value] of Object.entries(pace)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number\n\n${HELP}`);
  }
  const rounds = Number(values.rounds);
  const variants = (values.variant.length > 0 ? values.variant : ['default']).map(parseVariant);
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-embedded-'));
  const lines: RunLine[] = [];
  try {
    for (let r = 1; r <= rounds; r++) {
      for (const variant of variants) {
        console.error(`[embedded] round ${r}/${rounds}: ${variant.name} at ${pace.rate}/s`);
        const line = await measure(variant, r, dir, pace);
        lines.push(line);
        console.log(JSON.stringify(line));
      }
    }
    for (const variant of variants) {
      const mine = lines.filter((l) => l.variant === variant.name);
      const med = (pick: (l: RunLine) => number) => round(median(mine.map(pick)));
      console.log(
        JSON.stringify({
          variant: variant.name,
          rounds: mine.length,
          median: { achieved: med((l) => l.achieved), p50: med((l) => l.p50), p99: med((l) => l.p99), relay_cpu_ms: med((l) => l.cpu_ms_per_request.relay), temporal_cpu_ms: med((l) => l.cpu_ms_per_request.temporal), persistence_calls: med((l) => l.persistence_per_request.total) },
          p99_per_round: mine.map((l) => l.p99),
        }),
      );
    }
  } finally {
    if (values.keep) console.error(`[embedded] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
