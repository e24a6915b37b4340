import { parseArgs } from 'node:util';
import type { ServiceLayout } from '../tools/cluster/services';
import { TARGETS, type TargetName } from './targets/target';

/**
 * The one-minute load average above which a run is refused: on two cores, more than one runnable process besides
 * the bench means the figures would measure the neighbours (a run at load 6–10 measured 2–3× worse tails).
 */
export const QUIET_LOAD_AVERAGE = 1.0;

export const SCENARIOS = ['bare', 'direct', 'accept', 'reject', 'duplicate', 'loop', 'startup'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly durationSeconds: number;
  /** Each load scenario runs this many times, interleaved, so ratios compare runs made under the same machine load. */
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Requests per second of the fixed-rate runs; the targets are stated at 100 and 300, the older ratios use the first. */
  readonly rates: readonly number[];
  readonly loopEvents: number;
  readonly loopConcurrentEvents: number;
  readonly loopEditors: number;
  readonly startupRuns: number;
  readonly scenarios: ReadonlySet<Scenario>;
  /** Where `accept` runs, side by side in each round: the cluster shape, `npm start`, the seed's design. */
  readonly targets: readonly TargetName[];
  /** The cluster target's Temporal services: one process (`single`) or one per service (`separate`). */
  readonly clusterServices: ServiceLayout;
  /** `--sqlite-pragma` values for the dev server in place of its default (journal_mode=WAL); empty keeps the default. */
  readonly sqlitePragmas: readonly string[];
  /** Temporal keeps history in memory instead of a SQLite file: not durable, only to show what the file costs. */
  readonly temporalInMemory: boolean;
  /** Run the receiver and the bare app from tsc's JavaScript output instead of through the tsx loader. */
  readonly compiled: boolean;
  /** Extra environment for the receivers and the bare app (experiments: NODE_OPTIONS, LOG_LEVEL=warn, ...). */
  readonly receiverEnv: Record<string, string>;
  /** Extra environment for the worker (WORKER_MAX_CACHED_WORKFLOWS=0, ...). */
  readonly workerEnv: Record<string, string>;
  readonly keep: boolean;
  /** Run even though the machine is busy: figures for exploration, not for publishing. */
  readonly force: boolean;
}

const HELP = `npm run bench -- [flags]

  --duration <s>            measured seconds per run (default 5)
  --rounds <n>              rounds of the load scenarios, interleaved; figures are medians (default 3)
  --warmup <s>              warm-up seconds before each run, not measured (default 1)
  --connections <n>         concurrent connections / callers (default 16)
  --rate <n,...>            requests per second of the fixed-rate runs; several make a sweep (default 100,300:
                            the rates the targets are stated at)
  --loop-events <n>         events published one at a time in the loop (default 20)
  --loop-concurrent <n>     events published by several editors at once (default 40)
  --loop-editors <n>        editors publishing at once (default 4)
  --startup-runs <n>        times \`npm start\` is timed (default 2)
  --only <a,b,...>          scenarios to run, of ${SCENARIOS.join(', ')} (default all)
  --targets <a,b,...>       where accept runs, side by side, of ${TARGETS.join(', ')} (default all):
                            cluster = receiver + worker on the Temporal server 1.32 on PostgreSQL,
                            dev = \`npm start\` (embedded dev server on SQLite), seed = bench/seed/
                            (e.g. --only accept --targets cluster,seed --rate 300 for one quick comparison)
  --cluster-services <s>    the cluster's Temporal services in one process (single, default) or four (separate);
                            TEMPORAL_SERVER_BIN_DIR names pre-built server binaries, as for \`npm run cluster\`
  --sqlite-pragma <k=v>     replaces the dev server's default pragmas (journal_mode=WAL) (repeatable;
                            journal_mode, synchronous), e.g. journal_mode=DELETE for SQLite's own default
  --compiled                run receiver and bare app from tsc output (node file.js), not through tsx
  --temporal-in-memory      no SQLite file (not durable; shows what persistence costs)
  --receiver-env <K=V>      extra environment for the receivers and the bare app (repeatable)
  --worker-env <K=V>        extra environment for the worker (repeatable)
  --keep                    keep the temp dir (logs, databases)
  --force                   run although the load average is above ${QUIET_LOAD_AVERAGE} at the start (exploration only: such
                            figures describe the machine's other users, not the relay)
`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '16' },
      rate: { type: 'string', default: '100,300' },
      'loop-events': { type: 'string', default: '20' },
      'loop-concurrent': { type: 'string', default: '40' },
      'loop-editors': { type: 'string', default: '4' },
      'startup-runs': { type: 'string', default: '2' },
      only: { type: 'string' },
      targets: { type: 'string', default: TARGETS.join(',') },
      'cluster-services': { type: 'string', default: 'single' },
      'sqlite-pragma': { type: 'string', multiple: true, default: [] },
      'temporal-in-memory': { type: 'boolean', default: false },
      compiled: { type: 'boolean', default: false },
      'receiver-env': { type: 'string', multiple: true, default: [] },
      'worker-env': { type: 'string', multiple: true, default: [] },
      keep: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const only = values.only?.split(',').map((s) => s.trim());
  for (const name of only ?? []) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n\n${HELP}`);
  }
  const targets = values.targets.split(',').map((s) => s.trim());
  for (const name of targets) {
    if (!(TARGETS as readonly string[]).includes(name)) throw new Error(`unknown target "${name}"\n\n${HELP}`);
  }
  const clusterServices = values['cluster-services'];
  if (clusterServices !== 'single' && clusterServices !== 'separate') throw new Error(`--cluster-services is single or separate\n\n${HELP}`);
  return {
    durationSeconds: number(values.duration, 'duration', 1, 600),
    rounds: number(values.rounds, 'rounds', 1, 20),
    warmupSeconds: number(values.warmup, 'warmup', 0, 60),
    connections: number(values.connections, 'connections', 1, 512),
    rates: values.rate.split(',').map((r) => number(r.trim(), 'rate', 1, 100_000)),
    loopEvents: number(values['loop-events'], 'loop-events', 1, 1000),
    loopConcurrentEvents: number(values['loop-concurrent'], 'loop-concurrent', 1, 10_000),
    loopEditors: number(values['loop-editors'], 'loop-editors', 1, 64),
    startupRuns: number(values['startup-runs'], 'startup-runs', 0, 10),
    scenarios: new Set((only ?? SCENARIOS) as Scenario[]),
    targets: [...new Set(targets as TargetName[])],
    clusterServices,
    sqlitePragmas: values['sqlite-pragma'],
    temporalInMemory: values['temporal-in-memory'],
    compiled: values.compiled,
    receiverEnv: pairs(values['receiver-env'], 'receiver-env'),
    workerEnv: pairs(values['worker-env'], 'worker-env'),
    keep: values.keep,
    force: values.force,
  };
}

function number(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

export function pairs(values: string[], name: string): Record<string, string> {
  return Object.fromEntries(
    values.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--${name} takes KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}
