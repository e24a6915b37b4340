import type { DirectJob, HttpJob, LoadResult, Pace } from './load-protocol';
import type { BenchOptions } from './options';
import { pause } from './pause';
import { requestFactory } from './requests';
import { runScenario, type ScenarioLine } from './scenario';
import { BENCH_SECRET, type Stack } from './stack';
import type { Target, TargetName } from './targets/target';

type LoadScenario = 'bare' | 'reject' | 'direct' | 'accept' | 'duplicate';

/** Keys a run produced, kept per Temporal task queue (or target) for the check at the end. */
export interface KeySets {
  readonly sent: Set<string>;
  readonly accepted: Set<string>;
}

export function keySets(): KeySets {
  return { sent: new Set(), accepted: new Set() };
}

/** Where the runs' keys are kept: the older single-stack scenarios per queue, accept per target. */
export interface RoundKeys {
  readonly ingest: KeySets;
  readonly direct: KeySets;
  readonly targets: ReadonlyMap<TargetName, KeySets>;
}

/**
 * Every selected load scenario once per round, back to back, so the runs a ratio compares saw the same machine
 * load; first as fast as `connections` callers go, then at each fixed rate. `accept` runs against every target in
 * turn at each pace, so the cluster, `npm start` and the seed are measured side by side within a round.
 */
export async function loadRounds(
  stack: Stack | undefined,
  targets: readonly Target[],
  options: BenchOptions,
  duplicateKey: string | undefined,
  keys: RoundKeys,
  log: (line: string) => void,
): Promise<ScenarioLine[]> {
  const max: Pace = { connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds };
  const paces = [max, ...options.rates.map((rate) => ({ ...max, rate }))];
  const plan: [LoadScenario, Pace][] = paces.flatMap((pace): [LoadScenario, Pace][] =>
    (pace.rate === undefined ? (['bare', 'reject', 'direct', 'accept', 'duplicate'] as const) : (['bare', 'direct', 'accept', 'duplicate'] as const)).map(
      (scenario) => [scenario, pace],
    ),
  );
  const legacy = stack ? { temporal: stack.temporal.process.pid, worker: stack.loop?.worker.pid } : {};
  // The single-stack scenarios' processes, frozen like the idle shapes while a shape's accept is measured.
  const stackPids = stack ? [stack.temporal.process.pid, stack.bare?.pid, stack.receiver?.pid, stack.loop?.receiver.pid, stack.loop?.worker.pid] : [];
  const runs: ScenarioLine[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const [scenario, pace] of plan) {
      if (!options.scenarios.has(scenario)) continue;
      const how = pace.rate ? `at ${pace.rate}/s` : `with ${pace.connections} connections`;
      if (scenario === 'accept') {
        for (const target of targets) {
          log(`round ${round}/${options.rounds}: accept on ${target.name} ${how}`);
          // One client for every target and pace, so the shapes differ only in what answers.
          const job: HttpJob = { target: 'http', url: target.url, kind: 'unique', secret: BENCH_SECRET, signer: target.signer, client: 'agent', ...pace };
          // The other shapes are frozen meanwhile: their timers and polls would otherwise take CPU from this one.
          const others = pause([...targets.filter((t) => t !== target).flatMap((t) => Object.values(t.pids)), ...stackPids]);
          const { line, result } = await runScenario(
            'accept',
            round,
            job,
            { ...legacy, ...idle(targets, target), ...target.pids },
            target.memoryOf,
            target.name,
            target.counters?.bind(target),
          ).finally(() => others.resume());
          keep(result, keys.targets.get(target.name)!);
          runs.push(line);
        }
        continue;
      }
      if (!stack) continue;
      const job = jobFor(scenario, pace, stack, duplicateKey);
      if (!job) continue;
      log(`round ${round}/${options.rounds}: ${scenario} ${how}`);
      const receiver = scenario === 'bare' ? stack.bare?.pid : scenario === 'direct' ? undefined : stack.receiver?.pid;
      const targetsPaused = pause(targets.flatMap((t) => Object.values(t.pids)));
      const { line, result } = await runScenario(scenario, round, job, { receiver, ...legacy, ...idle(targets) }, ['receiver', 'worker']).finally(
        () => targetsPaused.resume(),
      );
      if (scenario === 'direct') keep(result, keys.direct);
      else if (scenario === 'duplicate') keep(result, keys.ingest);
      runs.push(line);
    }
  }
  return runs;
}

/** The other targets' processes, named `<target>.<process>`: watched apart, so they are not counted as `other`. */
function idle(targets: readonly Target[], measured?: Target): Record<string, number | undefined> {
  return Object.fromEntries(
    targets.filter((t) => t !== measured).flatMap((t) => Object.entries(t.pids).map(([name, pid]) => [`${t.name}.${name}`, pid])),
  );
}

function jobFor(scenario: Exclude<LoadScenario, 'accept'>, pace: Pace, stack: Stack, duplicateKey: string | undefined): HttpJob | DirectJob | undefined {
  const http = (url: string | undefined, kind: HttpJob['kind']): HttpJob | undefined =>
    url === undefined ? undefined : { target: 'http', url, kind, secret: BENCH_SECRET, duplicateKey, ...pace };
  switch (scenario) {
    case 'bare':
      return http(stack.bare?.url, 'unique');
    case 'reject':
      return http(stack.receiver?.url, 'bad-signature');
    case 'duplicate':
      return duplicateKey === undefined ? undefined : http(stack.receiver?.url, 'duplicate');
    case 'direct':
      return { target: 'direct', address: stack.temporal.address, namespace: 'default', taskQueue: stack.directQueue, ...pace };
  }
}

/**
 * Which keys must end up recorded. Bare and reject keys are deliberately not recorded as sent: a run for any of
 * them would show in the check as unknown.
 */
function keep(result: LoadResult, into: KeySets): void {
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

/** Runs of the same scenario, target, mode and rate, in the order they first ran. */
export function groups(runs: readonly ScenarioLine[]): ScenarioLine[][] {
  const byKey = new Map<string, ScenarioLine[]>();
  for (const line of runs) {
    const key = `${line.scenario}/${line.target ?? ''}/${line.mode}/${line.target_rate ?? ''}`;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  return [...byKey.values()];
}
