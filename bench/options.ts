import { parseArgs } from 'node:util';
import type { ServerTuning } from '../tools/cluster/server-config';
import type { ServiceLayout } from '../tools/cluster/services';
import { TARGETS, type TargetName } from './targets/target';

/**
 * The one-minute load average above which a run is refused: on two cores, more than one runnable process besides
 * the bench means the figures would measure the neighbours (a run at load 6–10 measured 2–3× worse tails).
 */
export const QUIET_LOAD_AVERAGE = 1.0;

export const SCENARIOS = ['receiver-cpu', 'bare', 'direct', 'accept', 'reject', 'duplicate', 'loop', 'whole-loop', 'startup', 'cluster-startup', 'dashboard'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/**
 * What runs without `--only`: everything but the two that measure a harness or the plugin rather than the relay, and
 * the whole loop, whose targets do real work and so cannot also serve accept (a run of its own: --only whole-loop).
 */
const DEFAULT_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) => s !== 'cluster-startup' && s !== 'dashboard' && s !== 'whole-loop');

/** One receiver the receiver-cpu scenario measures: this checkout's build, or another, with its own environment. */
export interface ReceiverVariant {
  readonly name: string;
  /** A compiled receiver to run instead of this checkout's (another checkout's dist/src/receiver.js: before/after). */
  readonly entry?: string | undefined;
  /** Spans exported to a local OTLP sink the bench runs (OTEL_EXPORTER_OTLP_ENDPOINT), to show what tracing costs. */
  readonly tracing: boolean;
  readonly env: Record<string, string>;
}

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
  /** Events per target and round in the whole loop (each on a fresh post). */
  readonly wholeLoopEvents: number;
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
  /** Extra `temporal server start-dev` flags for the dev target's embedded dev server (its persistence levers). */
  readonly devArgs: readonly string[];
  /** PostgreSQL settings (reloadable ones) the cluster target applies with ALTER SYSTEM once it has started. */
  readonly pgSettings: readonly (readonly [string, string])[];
  /** The cluster target's Temporal server levers, each departing from tools/cluster/tuning.ts for one run. */
  readonly serverTuning: ServerTuning;
  readonly receiverCpu: {
    readonly events: number;
    readonly warmupEvents: number;
    readonly rate: number;
    readonly variants: readonly ReceiverVariant[];
    /** Run the receiver through the tsx loader instead of the compiled JavaScript. */
    readonly tsx: boolean;
    /** Where `node --cpu-prof` writes each run's profile; each is summarised at the end. */
    readonly profileDir?: string | undefined;
    /** Names whose inclusive time the profile summaries give (functions, packages or project files). */
    readonly profileInclusive: readonly string[];
  };
  readonly dashboard: { readonly posts: number; readonly comments: number; readonly runs: number };
  /** Profiles to summarise instead of running anything (from bench/cpu-profile-preload.cjs or an earlier --profile). */
  readonly summarizeProfiles: readonly string[];
  readonly keep: boolean;
  /** Run even though the machine is busy: figures for exploration, not for publishing. */
  readonly force: boolean;
}

const HELP = `npm run bench -- [flags]

Scenarios (--only) × targets (--targets): every load goes through one load process (bench/load-child.ts) and every
accepted key through one check afterwards (one workflow per key; the seed's table).

  --duration <s>            measured seconds per run (default 5)
  --rounds <n>              rounds of the load scenarios, interleaved; figures are medians (default 3)
  --warmup <s>              warm-up seconds before each run, not measured (default 1)
  --connections <n>         concurrent connections / callers (default 16)
  --rate <n,...>            requests per second of the fixed-rate runs; several make a sweep (default 100,300:
                            the rates the targets are stated at)
  --loop-events <n>         events published one at a time in the loop (default 20)
  --loop-concurrent <n>     events published by several editors at once (default 40)
  --loop-editors <n>        editors publishing at once (default 4)
  --whole-loop-events <n>   whole-loop: events per target and round, each on a fresh post (default 100)
  --startup-runs <n>        times \`npm start\` is timed (default 2)
  --only <a,b,...>          scenarios to run, of ${SCENARIOS.join(', ')}
                            (default ${DEFAULT_SCENARIOS.join(', ')})
  --targets <a,b,...>       where accept runs, side by side, of ${TARGETS.join(', ')} (default all):
                            cluster = receiver + worker on the Temporal server 1.32 on PostgreSQL,
                            dev = \`npm start\` (embedded dev server on SQLite), seed = bench/seed/
                            (e.g. --only accept --targets cluster,seed --rate 300 for one quick comparison)
  --cluster-services <s>    the cluster's Temporal services in one process (single, default) or four (separate);
                            TEMPORAL_SERVER_BIN_DIR names pre-built server binaries, as for \`npm run cluster\`
  --sqlite-pragma <k=v>     replaces the dev server's default pragmas (journal_mode=WAL) (repeatable;
                            journal_mode, synchronous), e.g. journal_mode=DELETE for SQLite's own default
  --dev-arg=<flags>         extra \`temporal server start-dev\` flags for the dev target, split on spaces (repeatable,
                            e.g. --dev-arg='--dynamic-config-value system.x=true': the = is needed for a value that
                            starts with a dash); its accept lines give the dev server's persistence calls per request
  --pg-setting <k=v>        PostgreSQL setting the cluster target applies (ALTER SYSTEM + reload; repeatable, e.g.
                            commit_delay=1000); its accept lines give transactions and WAL flushes per request
  --history-shards <n>      the cluster's Temporal history shards instead of tools/cluster/tuning.ts's
  --dynamic-config <k=v>    a Temporal dynamic config key the cluster adds to deploy/temporal/dynamic-config.yaml's
                            (repeatable; e.g. matching.numTaskqueueReadPartitions=1)
  --server-env <k=v>        environment of the cluster's Temporal server (repeatable; e.g. GOGC=200, GOMAXPROCS=1)
  --compiled                run receiver and bare app from tsc output (node file.js), not through tsx

receiver-cpu: the receiver's CPU per request (node dist/src/receiver.js after tsc -b, as \`npm start\` builds it,
tracing off, LOG_LEVEL=info) on an in-memory dev server; variants alternate within each of --rounds.
  --cpu-events <n>          measured events per run (default 10000)
  --cpu-warmup <n>          events before the measurement, not counted (default 1000)
  --cpu-rate <n>            events per second (default 200)
  --variant <spec>          NAME[:K=V,...] a receiver to measure (repeatable; default one, "this"). K=V is its
                            environment, except entry=<file> (another build's dist/src/receiver.js) and tracing=on
                            (spans exported to a local OTLP sink); the first variant is what the others are compared to
  --entry <file>            shorthand for --variant <file>:entry=<file> (repeatable)
  --tsx                     run src/receiver.ts through the tsx loader instead of the compiled JavaScript
  --profile <dir>           also write each run's CPU profile there (node --cpu-prof) and summarise it at the end
  --profile-inclusive <a,b> names whose inclusive time the summaries give (e.g. koa,zod,@grpc/grpc-js,verifyWebhook)
  --summarize-profile <f>   only summarise this .cpuprofile (repeatable; e.g. from bench/cpu-profile-preload.cjs)

whole-loop: signed post.published → fetch the post, the stand-in LLM, the summary written back to a real WordPress,
on each of --targets (the seed with its AI step filled in: SEED_WORK=enrich); events/s from the first event sent to
the last summary stored, CPU per event. A run of its own (--only whole-loop): its targets are given WordPress.

dashboard: the plugin's dashboard widget on a large site (a fresh WordPress filled with SQL).
  --dashboard-posts <n>     published posts, every other one summarised (default 50000)
  --dashboard-comments <n>  comments, each with a verdict (default 200000)
  --dashboard-runs <n>      runs of the widget's queries (default 7)

cluster-startup: how long the cluster harness takes to start and stop, fresh and again, in both layouts.

Other:
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
      'whole-loop-events': { type: 'string', default: '100' },
      'startup-runs': { type: 'string', default: '2' },
      only: { type: 'string' },
      targets: { type: 'string', default: TARGETS.join(',') },
      'cluster-services': { type: 'string', default: 'single' },
      'sqlite-pragma': { type: 'string', multiple: true, default: [] },
      'temporal-in-memory': { type: 'boolean', default: false },
      compiled: { type: 'boolean', default: false },
      'receiver-env': { type: 'string', multiple: true, default: [] },
      'worker-env': { type: 'string', multiple: true, default: [] },
      'dev-arg': { type: 'string', multiple: true, default: [] },
      'pg-setting': { type: 'string', multiple: true, default: [] },
      'history-shards': { type: 'string' },
      'dynamic-config': { type: 'string', multiple: true, default: [] },
      'server-env': { type: 'string', multiple: true, default: [] },
      'cpu-events': { type: 'string', default: '10000' },
      'cpu-rate': { type: 'string', default: '200' },
      'cpu-warmup': { type: 'string', default: '1000' },
      variant: { type: 'string', multiple: true, default: [] },
      entry: { type: 'string', multiple: true, default: [] },
      tsx: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'profile-inclusive': { type: 'string', default: '' },
      'summarize-profile': { type: 'string', multiple: true, default: [] },
      'dashboard-posts': { type: 'string', default: '50000' },
      'dashboard-comments': { type: 'string', default: '200000' },
      'dashboard-runs': { type: 'string', default: '7' },
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
  if (only?.includes('whole-loop') && only.includes('accept')) {
    throw new Error('whole-loop and accept need their targets set up apart (with and without WordPress and the LLM): run them one at a time');
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
    wholeLoopEvents: number(values['whole-loop-events'], 'whole-loop-events', 1, 100_000),
    startupRuns: number(values['startup-runs'], 'startup-runs', 0, 10),
    scenarios: new Set((only ?? DEFAULT_SCENARIOS) as Scenario[]),
    targets: [...new Set(targets as TargetName[])],
    clusterServices,
    sqlitePragmas: values['sqlite-pragma'],
    temporalInMemory: values['temporal-in-memory'],
    compiled: values.compiled,
    receiverEnv: pairs(values['receiver-env'], 'receiver-env'),
    workerEnv: pairs(values['worker-env'], 'worker-env'),
    devArgs: values['dev-arg'],
    pgSettings: Object.entries(pairs(values['pg-setting'], 'pg-setting')).map(([name, value]): [string, string] => {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`--pg-setting ${name}: not a PostgreSQL setting name`);
      return [name, value];
    }),
    serverTuning: {
      historyShards: values['history-shards'] === undefined ? undefined : number(values['history-shards'], 'history-shards', 1, 1024),
      dynamicConfig: values['dynamic-config'].length > 0 ? pairs(values['dynamic-config'], 'dynamic-config') : undefined,
      env: pairs(values['server-env'], 'server-env'),
    },
    receiverCpu: {
      events: number(values['cpu-events'], 'cpu-events', 100, 1_000_000),
      warmupEvents: number(values['cpu-warmup'], 'cpu-warmup', 0, 1_000_000),
      rate: number(values['cpu-rate'], 'cpu-rate', 1, 10_000),
      variants: receiverVariants(values.variant, values.entry),
      tsx: values.tsx,
      profileDir: values.profile,
      profileInclusive: values['profile-inclusive'].split(',').filter(Boolean),
    },
    dashboard: {
      posts: number(values['dashboard-posts'], 'dashboard-posts', 1, 10_000_000),
      comments: number(values['dashboard-comments'], 'dashboard-comments', 0, 10_000_000),
      runs: number(values['dashboard-runs'], 'dashboard-runs', 2, 100),
    },
    summarizeProfiles: values['summarize-profile'],
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

/** `--variant NAME[:K=V,...]` and `--entry FILE`, in that order; none: this checkout's receiver alone. */
export function receiverVariants(specs: readonly string[], entries: readonly string[]): ReceiverVariant[] {
  const variants = [
    ...specs.map((spec): ReceiverVariant => {
      const colon = spec.indexOf(':');
      const name = colon < 0 ? spec : spec.slice(0, colon);
      const { entry, tracing, ...env } = colon < 0 ? {} : pairs(spec.slice(colon + 1).split(','), 'variant');
      if (tracing !== undefined && tracing !== 'on' && tracing !== 'off') throw new Error(`--variant ${spec}: tracing is on or off`);
      return { name, entry, tracing: tracing === 'on', env };
    }),
    ...entries.map((entry): ReceiverVariant => ({ name: entry, entry, tracing: false, env: {} })),
  ];
  const names = variants.map((v) => v.name);
  const twice = names.find((name, i) => name === '' || names.indexOf(name) !== i);
  if (twice !== undefined) throw new Error(`--variant: each needs a name of its own ("${twice}")`);
  return variants.length > 0 ? variants : [{ name: 'this', tracing: false, env: {} }];
}
