import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from './aggregate';
import { runLoop } from './loop';
import { startMonitor } from './monitor';
import { parseOptions, type BenchOptions } from './options';
import { groups, loadRounds, seedDuplicate, type KeySets } from './rounds';
import { startStack, type Stack } from './stack';
import { timeStartup } from './startup';
import { median, round } from './stats';
import { summarizeRun } from './summary';
import { checkWorkflows } from './verify';

const log = (line: string) => console.error(`[bench] ${line}`);
const print = (line: object) => console.log(JSON.stringify(line));

/**
 * `npm run bench`: the load scenarios in interleaved rounds, then the loop and the start-up time; prints one JSON
 * line per scenario (medians over the rounds), the ratios, the workflow check and the targets. Progress goes to
 * stderr. Timing is printed, never asserted.
 */
async function main(options: BenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-bench-'));
  print({
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, memory_gb: round(totalmem() / 2 ** 30, 1), node: process.version },
    date: new Date().toISOString(),
    options: { ...options, scenarios: [...options.scenarios] },
  });
  const stack = await startStack(options, dir, log);
  // Ctrl-C would otherwise leave WordPress behind: php -S and MariaDB run in process groups of their own.
  const interrupt = () => {
    log('interrupted, stopping');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const ingest: KeySets = { sent: new Set(), accepted: new Set() };
    const direct: KeySets = { sent: new Set(), accepted: new Set() };
    const seed = options.scenarios.has('duplicate') && stack.receiver ? await seedDuplicate(stack.receiver.url, ingest) : undefined;
    const runs = await loadRounds(stack, options, seed, ingest, direct, log);
    const aggregates = groups(runs).map(aggregate);
    for (const line of aggregates) print(line);
    const duplicateRunsForKey = seed === undefined ? undefined : (await stack.client.workflow.count(`WorkflowId = "${seed}"`)).count;

    let loopP50Ms: number | undefined;
    if (options.scenarios.has('loop')) {
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

    log('checking every accepted key against Temporal visibility');
    const checks = [];
    if (ingest.accepted.size > 0) checks.push(await checkWorkflows(stack.client, stack.ingestQueue, ingest.sent, ingest.accepted));
    if (direct.accepted.size > 0) checks.push(await checkWorkflows(stack.client, stack.directQueue, direct.sent, direct.accepted));
    print({ check: checks, duplicate_runs_for_key: duplicateRunsForKey ?? null });
    const summary = summarizeRun({ runs, aggregates, checks, rate: options.rates[0]!, duplicateRunsForKey, loopP50Ms, startupMedianS });
    for (const line of summary) print(line);
  } finally {
    log('stopping');
    await stack.stop();
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
  console.error(error);
  process.exit(1);
});
