import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from './aggregate';
import { runClusterStartup } from './cluster-startup';
import { summarizeProfile } from './cpu-profile';
import { runDashboard } from './dashboard-widget';
import { runLoop } from './loop';
import { startMonitor } from './monitor';
import { parseOptions, type BenchOptions } from './options';
import { resumeAll } from './pause';
import { QuietMachineError, requireQuietMachine } from './quiet';
import { runReceiverCpu } from './receiver-cpu';
import { groups, keySets, loadRounds, seedDuplicate, type KeySets } from './rounds';
import { startStack, type Stack } from './stack';
import { startTargets } from './targets/start';
import { timeStartup } from './startup';
import { median, round } from './stats';
import { summarizeRun } from './summary';
import { runTable } from './table';
import { checkWorkflows } from './verify';
import { runWholeLoop, startWholeLoopServices, summarizeWholeLoop } from './whole-loop';

const log = (line: string) => console.error(`[bench] ${line}`);
const print = (line: object) => console.log(JSON.stringify(line));

/** The scenarios that need the single dev-server stack (bench/stack.ts); accept runs on the targets instead. */
const STACK_SCENARIOS = ['bare', 'reject', 'direct', 'duplicate', 'loop'] as const;

/**
 * `npm run bench`: the receiver's CPU per request (its own in-memory dev server, alone on the machine), then the load
 * scenarios in interleaved rounds (accept on each target: the cluster shape, `npm start`, the seed's design), then the
 * loop and the start-up time, then the harness and plugin scenarios when asked; prints one JSON line per run and per
 * scenario (medians over the rounds), the checks that every accepted event was recorded once and run, the ratios and
 * the targets. Progress goes to stderr. Timing is printed, never asserted.
 */
async function main(options: BenchOptions): Promise<void> {
  if (options.summarizeProfiles.length > 0) {
    for (const file of options.summarizeProfiles) console.log(summarizeProfile(file, options.receiverCpu.profileInclusive).join('\n'));
    return;
  }
  requireQuietMachine(options.force, log);
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-bench-'));
  print({
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, memory_gb: round(totalmem() / 2 ** 30, 1), node: process.version },
    date: new Date().toISOString(),
    options: { ...options, scenarios: [...options.scenarios] },
    load_average: loadavg().map((v) => round(v, 2)),
  });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    resumeAll();
    for (const s of stops.reverse()) await s();
  };
  // Ctrl-C would otherwise leave WordPress, PostgreSQL and the rest behind: several run in process groups of their own.
  const interrupt = () => {
    log('interrupted, stopping');
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const receiverCpu = options.scenarios.has('receiver-cpu') ? await runReceiverCpu(options, dir, log, print) : [];
    const stack = STACK_SCENARIOS.some((s) => options.scenarios.has(s)) ? await startStack(options, dir, log) : undefined;
    if (stack) stops.push(() => stack.stop());
    const wholeLoop = options.scenarios.has('whole-loop') ? await startWholeLoopServices(log) : undefined;
    if (wholeLoop) stops.push(() => wholeLoop.stop());
    const { targets, skipped } = options.scenarios.has('accept') || wholeLoop ? await startTargets(options, dir, log, wholeLoop?.env) : { targets: [], skipped: [] };
    for (const target of targets) stops.push(() => target.stop());
    for (const line of skipped) print(line);
    const targetKeys = new Map(targets.map((t): [typeof t.name, KeySets] => [t.name, keySets()]));
    const keys = { ingest: keySets(), direct: keySets(), targets: targetKeys };
    const seed = options.scenarios.has('duplicate') && stack?.receiver ? await seedDuplicate(stack.receiver.url, keys.ingest) : undefined;
    const runs = await loadRounds(stack, targets, options, seed, keys, log);
    const aggregates = groups(runs).map(aggregate);
    for (const line of aggregates) print(line);
    const duplicateRunsForKey = seed === undefined || !stack ? undefined : (await stack.client.workflow.count(`WorkflowId = "${seed}"`)).count;

    if (wholeLoop) {
      const lines = await runWholeLoop(wholeLoop.wp, targets, { events: options.wholeLoopEvents, connections: options.connections, rounds: options.rounds }, (t) => targetKeys.get(t.name)!, log);
      for (const line of lines) print(line);
      print(summarizeWholeLoop(lines));
    }

    let loopP50Ms: number | undefined;
    if (options.scenarios.has('loop') && stack) {
      log('loop: publish in WordPress → summary written back');
      const line = await loopLine(stack, options);
      loopP50Ms = line.latency_ms?.p50;
      print(line);
    }
    let startupMedianS: number | undefined;
    if (options.scenarios.has('startup') && options.startupRuns > 0) {
      const startups = [];
      for (let i = 0; i < options.startupRuns; i++) {
        log(`startup: timing \`npm start\` (${i + 1} of ${options.startupRuns})`);
        startups.push(await timeStartup(join(dir, `startup-${i}`, 'temporal.db')));
      }
      startupMedianS = round(median(startups.map((r) => r.ready_s)), 2);
      print({ scenario: 'startup', runs: startups, ready_s_median: startupMedianS });
    }

    if (options.scenarios.has('cluster-startup')) {
      log('cluster-startup: starting and stopping the cluster harness');
      await runClusterStartup(print);
    }
    if (options.scenarios.has('dashboard')) {
      log('dashboard: filling a WordPress and timing the widget');
      await runDashboard(options.dashboard, log, print);
    }

    log('checking every accepted key: Temporal visibility (runs closed), the seed\'s table (tasks done)');
    const checks = [];
    for (const target of targets) {
      const { sent, accepted } = targetKeys.get(target.name)!;
      checks.push(await target.check(sent, accepted));
    }
    if (stack && keys.ingest.accepted.size > 0) checks.push(await checkWorkflows(stack.client, stack.ingestQueue, keys.ingest.sent, keys.ingest.accepted));
    if (stack && keys.direct.accepted.size > 0) checks.push(await checkWorkflows(stack.client, stack.directQueue, keys.direct.sent, keys.direct.accepted));
    print({ check: checks, duplicate_runs_for_key: duplicateRunsForKey ?? null });
    const summary = summarizeRun({
      runs,
      aggregates,
      checks,
      rate: options.rates[0]!,
      targets: targets.map((t) => t.name),
      duplicateRunsForKey,
      loopP50Ms,
      startupMedianS,
      // The first variant's: this checkout's receiver unless --variant says otherwise.
      receiverCpuMs: receiverCpu.length === 0 ? undefined : median(receiverCpu.filter((l) => l.variant === options.receiverCpu.variants[0]!.name).map((l) => l.cpu_ms_per_request)),
    });
    for (const line of summary) print(line);
    if (aggregates.length > 0) console.error(`\n${runTable(aggregates)}\n`);
    print({ ended: new Date().toISOString(), load_average: loadavg().map((v) => round(v, 2)) });
  } finally {
    log('stopping');
    await stopAll();
    if (options.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function loopLine(stack: Stack, options: BenchOptions): Promise<{ scenario: 'loop'; latency_ms?: { p50: number }; [field: string]: unknown }> {
  if (!stack.loop) return { scenario: 'loop', skipped: stack.loopUnavailable ?? 'no WordPress' };
  const { receiver, worker, wordpress } = stack.loop;
  const monitor = startMonitor({ receiver: receiver.pid, worker: worker.pid, temporal: stack.temporal.process.pid }, ['receiver', 'worker']);
  const result = await runLoop(wordpress, stack.client, stack.loopQueue, {
    events: options.loopEvents,
    concurrency: options.loopEditors,
    concurrentEvents: options.loopConcurrentEvents,
  });
  return {
    scenario: 'loop',
    wordpress: 'real: Debian WordPress on php -S (4 workers) + MariaDB, the wp-ai-relay plugin sending post.published',
    llm: 'stand-in OpenAI chat-completions server, instant answers',
    ...result,
    ...monitor.stop(),
  };
}

main(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
  console.error(error instanceof QuietMachineError ? `[bench] ${error.message}` : error);
  process.exit(1);
});
