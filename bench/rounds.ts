import type { DirectJob, HttpJob, LoadResult, Pace } from './load-protocol';
import type { BenchOptions } from './options';
import { requestFactory } from './requests';
import { runScenario, type ScenarioLine } from './scenario';
import { BENCH_SECRET, type Stack } from './stack';

type LoadScenario = 'bare' | 'reject' | 'direct' | 'accept' | 'duplicate';

/** Keys a run produced, kept per Temporal task queue for the check at the end. */
export interface KeySets {
  readonly sent: Set<string>;
  readonly accepted: Set<string>;
}

/**
 * Every selected load scenario once per round, back to back, so the runs a ratio compares saw the same machine
 * load; first as fast as `connections` callers go, then at the fixed rate.
 */
export async function loadRounds(
  stack: Stack,
  options: BenchOptions,
  duplicateKey: string | undefined,
  ingest: KeySets,
  direct: KeySets,
  log: (line: string) => void,
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
export async function seedDuplicate(receiverUrl: string, ingest: KeySets): Promise<string> {
  const seed = requestFactory('unique', BENCH_SECRET)();
  const answer = await fetch(`${receiverUrl}/webhooks/wp`, { method: 'POST', headers: seed.headers, body: seed.body });
  if (answer.status !== 202) throw new Error(`the duplicate scenario's first request answered ${answer.status}`);
  ingest.sent.add(seed.key);
  ingest.accepted.add(seed.key);
  return seed.key;
}

/** Runs of the same scenario, mode and rate, in the order they first ran. */
export function groups(runs: readonly ScenarioLine[]): ScenarioLine[][] {
  const byKey = new Map<string, ScenarioLine[]>();
  for (const line of runs) {
    const key = `${line.scenario}/${line.mode}/${line.target_rate ?? ''}`;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  return [...byKey.values()];
}
