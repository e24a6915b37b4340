import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from './aggregate';
import type { DirectJob, HttpJob, LoadResult, Pace } from './load-protocol';
import { runLoop } from './loop';
import { startMonitor } from './monitor';
import { parseOptions, type BenchOptions } from './options';
import { requestFactory } from './requests';
import { runScenario, type ScenarioLine } from './scenario';
import { BENCH_SECRET, startStack, type Stack } from './stack';
import { timeStartup } from './startup';
import { median, round } from './stats';
import { summarizeRun } from './summary';
import { checkWorkflows } from './verify';

type LoadScenario = 'bare' | 'reject' | 'direct' | 'accept' | 'duplicate';

/** Keys a run produced, kept per Temporal task queue for the check at the end. */
interface KeySets {
  readonly sent: Set<string>;
  readonly accepted: Set<string>;
}

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
  try {
    const ingest: KeySets = { sent: new Set(), accepted: new Set() };
    const direct: KeySets = { sent: new Set(), accepted: new Set() };
    const seed = options.scenarios.has('duplicate') && stack.receiver ? await seedDuplicate(stack.receiver.url, ingest) : undefined;
    const runs = await loadRounds(stack, options, seed, ingest, direct);
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
      startupMedianS = median(startups.map((r) => r.ready_s));
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

/**
 * Every selected load scenario once per round, back to back, so the runs a ratio compares saw the same machine
 * load; first as fast as `connections` callers go, then at the fixed rate.
 */
async function loadRounds(
  stack: Stack,
  options: BenchOptions,
  duplicateKey: string | undefined,
  ingest: KeySets,
  direct: KeySets,
): Promise<ScenarioLine[]> {
  const max: Pace = { connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds };
  const plan: [LoadScenario, Pace][] = [
    ['bare', max],
    ['reject', max],
    ['direct', max],
    ['accept', max],
    ['duplicate', max],
    ...options.rates.flatMap((rate): [LoadScenario, Pace][] =>
      (['bare', 'direct', 'accept', 'duplicate'] as const).map((scenario) => [scenario, { ...max, rate }]),
    ),
  ];
  const common = { temporal: stack.temporal.process.pid, worker: stack.loop?.worker.pid };
  const runs: ScenarioLine[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const [scenario, pace] of plan) {
      if (!options.scenarios.has(scenario)) continue;
      const job = jobFor(scenario, pace, stack, duplicateKey);
      if (!job) continue;
      log(`round ${round}/${options.rounds}: ${scenario} ${pace.rate ? `at ${pace.rate}/s` : `with ${pace.connections} connections`}`);
      const receiver = scenario === 'bare' ? stack.bare?.pid : scenario === 'direct' ? undefined : stack.receiver?.pid;
      const { line, result } = await runScenario(scenario, round, job, { receiver, ...common }, ['receiver', 'worker']);
      keep(scenario, result, ingest, direct);
      runs.push(line);
    }
  }
  return runs;
}

function jobFor(scenario: LoadScenario, pace: Pace, stack: Stack, duplicateKey: string | undefined): HttpJob | DirectJob | undefined {
  const http = (url: string | undefined, kind: HttpJob['kind']): HttpJob | undefined =>
    url === undefined ? undefined : { target: 'http', url, kind, secret: BENCH_SECRET, duplicateKey, ...pace };
  switch (scenario) {
    case 'bare':
      return http(stack.bare?.url, 'unique');
    case 'reject':
      return http(stack.receiver?.url, 'bad-signature');
    case 'accept':
      return http(stack.receiver?.url, 'unique');
    case 'duplicate':
      return duplicateKey === undefined ? undefined : http(stack.receiver?.url, 'duplicate');
    case 'direct':
      return { target: 'direct', address: stack.temporal.address, namespace: 'default', taskQueue: stack.directQueue, ...pace };
  }
}

/**
 * Which keys must end up with a run. Bare and reject keys are deliberately not recorded as sent: a run for any
 * of them would show in the check as unknown.
 */
function keep(scenario: LoadScenario, result: LoadResult, ingest: KeySets, direct: KeySets): void {
  const into = scenario === 'direct' ? direct : scenario === 'accept' || scenario === 'duplicate' ? ingest : undefined;
  if (!into) return;
  for (const key of result.sentKeys) into.sent.add(key);
  for (const key of result.acceptedKeys) into.accepted.add(key);
}

/** The key the duplicate scenario repeats, accepted once before it starts. */
async function seedDuplicate(receiverUrl: string, ingest: KeySets): Promise<string> {
  const seed = requestFactory('unique', BENCH_SECRET)();
  const answer = await fetch(`${receiverUrl}/webhooks/wp`, { method: 'POST', headers: seed.headers, body: seed.body });
  if (answer.status !== 202) throw new Error(`the duplicate scenario's first request answered ${answer.status}`);
  ingest.sent.add(seed.key);
  ingest.accepted.add(seed.key);
  return seed.key;
}

function groups(runs: readonly ScenarioLine[]): ScenarioLine[][] {
  const byKey = new Map<string, ScenarioLine[]>();
  for (const line of runs) {
    const key = `${line.scenario}/${line.mode}/${line.target_rate ?? ''}`;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  return [...byKey.values()];
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
    wordpress: `real: Debian WordPress on php -S (4 workers, opcode cache ${options.wordpressOpcache ? 'on' : 'off'}) + MariaDB, the wp-ai-relay plugin sending post.published`,
    llm: 'stand-in OpenAI chat-completions server, instant answers',
    ...result,
    ...monitor.stop(),
  };
}

main(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
