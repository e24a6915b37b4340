import { runLoad } from './load';
import type { DirectJob, HttpJob, LoadResult } from './load-protocol';
import { startMonitor, type MonitorResult } from './monitor';
import { round, type LatencySummary } from './stats';

/** One printed line: a load run with what the processes around it did meanwhile. */
export interface ScenarioLine {
  readonly scenario: string;
  /** Which of the compared shapes answered (accept only): cluster, dev, seed. */
  readonly target?: string;
  readonly mode: 'max' | 'rate';
  readonly round: number;
  readonly connections: number;
  readonly target_rate?: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly latency_ms: LatencySummary;
  readonly statuses: Record<string, number>;
  readonly non_2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly not_sent: number;
  readonly rss_mb: MonitorResult['rss_mb'];
  readonly cpu_pct: MonitorResult['cpu_pct'];
  /** CPU each process spent per completed request: the figure that bounds throughput on a machine of N cores. */
  readonly cpu_ms_per_request: Record<string, number>;
  /** The target's storage counters per completed request (Target.counters), the largest first. */
  readonly per_request?: Record<string, number>;
}

/** Counters kept per request: the largest few, so a line stays readable. */
const COUNTERS_KEPT = 10;

/**
 * Runs a job in a load process and watches CPU and memory of `pids` during its measured window. `memoryOf` names
 * the processes whose RSS is reported (the receiver under test and the worker).
 */
export async function runScenario(
  name: string,
  roundNumber: number,
  job: HttpJob | DirectJob,
  pids: Record<string, number | undefined>,
  memoryOf: readonly string[],
  target?: string,
  counters?: () => Promise<Record<string, number>>,
): Promise<{ line: ScenarioLine; result: LoadResult }> {
  let monitor: ReturnType<typeof startMonitor> | undefined;
  let before: Promise<Record<string, number>> | undefined;
  const result = await runLoad(job, (loadPid) => {
    monitor = startMonitor({ ...pids, load: loadPid }, memoryOf);
    before = counters?.();
  });
  const usage = monitor!.stop();
  const perRequestCounters = counters && before ? countersPerRequest(await before, await counters(), result.requests) : undefined;
  const non2xx = Object.entries(result.statuses)
    .filter(([status]) => /^\d+$/.test(status) && !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const line: ScenarioLine = {
    scenario: name,
    ...(target === undefined ? {} : { target }),
    mode: job.rate === undefined ? 'max' : 'rate',
    round: roundNumber,
    connections: job.connections,
    ...(job.rate === undefined ? {} : { target_rate: job.rate }),
    seconds: round(result.seconds),
    requests: result.requests,
    rps: round(result.requests / result.seconds, 1),
    latency_ms: result.latency,
    statuses: result.statuses,
    non_2xx: non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    not_sent: result.notSent,
    rss_mb: usage.rss_mb,
    cpu_pct: foldIdle(usage.cpu_pct),
    cpu_ms_per_request: perRequest(usage.cpu_pct, result.requests / result.seconds),
    ...(perRequestCounters ? { per_request: perRequestCounters } : {}),
  };
  return { line, result };
}

/** The idle targets' processes (`<target>.<process>`) as one figure, `idle_targets`. */
function foldIdle(cpuPct: Record<string, number>): Record<string, number> {
  const folded: Record<string, number> = {};
  for (const [name, pct] of Object.entries(cpuPct)) {
    const key = name.includes('.') ? 'idle_targets' : name;
    folded[key] = (folded[key] ?? 0) + pct;
  }
  return folded;
}

/** For each process of the shape under test (not the idle targets' `<target>.<process>`, not the machine's rest). */
function perRequest(cpuPct: Record<string, number>, rps: number): Record<string, number> {
  const ms: Record<string, number> = {};
  for (const [name, pct] of Object.entries(cpuPct)) {
    if (name.includes('.') || ['bench', 'other', 'wordpress'].includes(name) || rps <= 0) continue;
    ms[name] = round((pct * 10) / rps, 3);
  }
  return ms;
}

function countersPerRequest(before: Record<string, number>, after: Record<string, number>, requests: number): Record<string, number> {
  const deltas = Object.entries(after)
    .map(([name, n]): [string, number] => [name, round((n - (before[name] ?? 0)) / Math.max(1, requests), 2)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(deltas.slice(0, COUNTERS_KEPT));
}
