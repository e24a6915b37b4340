import type { ScenarioLine } from './scenario';
import { median, round } from './stats';

/**
 * One line per scenario and mode from its rounds: medians of throughput and of each percentile, the worst max,
 * counts summed, the highest RSS, median CPU per process, and each round's throughput and p99 to show the spread.
 */
export function aggregate(runs: readonly ScenarioLine[]) {
  const first = runs[0]!;
  const med = (f: (l: ScenarioLine) => number) => round(median(runs.map(f)));
  const sum = (f: (l: ScenarioLine) => number) => runs.reduce((total, l) => total + f(l), 0);
  const merge = (pick: (l: ScenarioLine) => Record<string, number>, combine: (values: number[]) => number) => {
    const names = new Set(runs.flatMap((l) => Object.keys(pick(l))));
    return Object.fromEntries([...names].map((name) => [name, combine(runs.map((l) => pick(l)[name] ?? 0))]));
  };
  return {
    scenario: first.scenario,
    ...(first.target === undefined ? {} : { target: first.target }),
    mode: first.mode,
    connections: first.connections,
    ...(first.target_rate === undefined ? {} : { target_rate: first.target_rate }),
    rounds: runs.length,
    seconds: round(sum((l) => l.seconds)),
    requests: sum((l) => l.requests),
    rps: med((l) => l.rps),
    latency_ms: {
      p50: med((l) => l.latency_ms.p50),
      p90: med((l) => l.latency_ms.p90),
      p99: med((l) => l.latency_ms.p99),
      max: Math.max(...runs.map((l) => l.latency_ms.max)),
    },
    statuses: merge((l) => l.statuses, (v) => v.reduce((a, b) => a + b, 0)),
    non_2xx: sum((l) => l.non_2xx),
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    not_sent: sum((l) => l.not_sent),
    rss_mb: merge((l) => l.rss_mb, (v) => Math.max(...v)),
    cpu_pct: merge((l) => l.cpu_pct, (v) => Math.round(median(v))),
    cpu_ms_per_request: merge((l) => l.cpu_ms_per_request, (v) => round(median(v), 3)),
    ...(runs.some((l) => l.per_request) ? { per_request: merge((l) => l.per_request ?? {}, (v) => round(median(v), 2)) } : {}),
    per_round: runs.map((l) => ({ rps: l.rps, p99: l.latency_ms.p99, other_cpu: l.cpu_pct.other, receiver_rss_mb: l.rss_mb.receiver })),
  };
}

export type AggregateLine = ReturnType<typeof aggregate>;
