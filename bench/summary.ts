import type { AggregateLine } from './aggregate';
import type { KeyCheck } from './key-check';
import type { ScenarioLine } from './scenario';
import { median, round } from './stats';
import type { TargetName } from './targets/target';

export interface RunFacts {
  readonly runs: readonly ScenarioLine[];
  readonly aggregates: readonly AggregateLine[];
  readonly checks: readonly KeyCheck[];
  /** The first fixed rate: the older ratios are stated at it. */
  readonly rate: number;
  readonly targets: readonly TargetName[];
  readonly duplicateRunsForKey?: number | undefined;
  readonly loopP50Ms?: number | undefined;
  readonly startupMedianS?: number | undefined;
  /** The receiver-cpu scenario's median CPU ms per request (its first variant). */
  readonly receiverCpuMs?: number | undefined;
}

type Metric = (line: ScenarioLine) => number;
const rps: Metric = (l) => l.rps;
const p99: Metric = (l) => l.latency_ms.p99;

/** Which runs a ratio or a target reads: a scenario on a target (accept), in a mode, at a rate. */
interface Pick {
  readonly scenario: string;
  readonly target?: TargetName;
  readonly rate?: number;
}

const matches = (l: { scenario: string; target?: string; mode: string; target_rate?: number }, pick: Pick) =>
  l.scenario === pick.scenario && l.target === pick.target && (pick.rate === undefined ? l.mode === 'max' : l.mode === 'rate' && l.target_rate === pick.rate);

/**
 * A ratio of two runs taken within each round (back to back, under the same machine load), then the median over
 * the rounds, with each round's value to show the spread.
 */
export function roundRatio(runs: readonly ScenarioLine[], a: Pick, b: Pick, metric: Metric) {
  const perRound: number[] = [];
  for (const x of runs.filter((l) => matches(l, a))) {
    const y = runs.find((l) => matches(l, b) && l.round === x.round);
    if (y && metric(y) > 0) perRound.push(round(metric(x) / metric(y), 3));
  }
  return perRound.length === 0 ? null : { median: round(median(perRound), 3), per_round: perRound };
}

/**
 * The ratios and each target next to its figure: issue #13's three (cluster p99 at 300/s, cluster throughput over
 * the seed's, `npm start` p99 at 100/s) and the older ones of issue #5. Printed, not asserted: a missed target is a
 * finding.
 */
export function summarizeRun(facts: RunFacts): object[] {
  const { runs } = facts;
  const ratio = (a: Pick, b: Pick, metric: Metric) => roundRatio(runs, a, b, metric);
  const accept = (target: TargetName, rate?: number): Pick => ({ scenario: 'accept', target, rate });
  const rates = [...new Set(runs.filter((l) => l.scenario === 'accept' && l.target_rate !== undefined).map((l) => l.target_rate!))];

  const pairs: [TargetName, TargetName][] = [
    ['cluster', 'seed'],
    ['dev', 'seed'],
    ['cluster', 'dev'],
  ];
  const shapes: Record<string, unknown> = {};
  for (const [a, b] of pairs.filter(([a, b]) => facts.targets.includes(a) && facts.targets.includes(b))) {
    shapes[`${a}_over_${b}_rps_saturation`] = ratio(accept(a), accept(b), rps);
    for (const rate of rates) {
      shapes[`${a}_over_${b}_rps_at_${rate}`] = ratio(accept(a, rate), accept(b, rate), rps);
      shapes[`${a}_over_${b}_p99_at_${rate}`] = ratio(accept(a, rate), accept(b, rate), p99);
    }
  }
  const ratios = {
    ...shapes,
    accept_dev_over_direct_rps: ratio(accept('dev'), { scenario: 'direct' }, rps),
    reject_over_bare_rps: ratio({ scenario: 'reject' }, { scenario: 'bare' }, rps),
    duplicate_over_accept_dev_p99: ratio({ scenario: 'duplicate' }, accept('dev'), p99),
    duplicate_over_accept_dev_p99_at_rate: ratio({ scenario: 'duplicate', rate: facts.rate }, accept('dev', facts.rate), p99),
  };

  const aggregate = (pick: Pick) => facts.aggregates.find((l) => matches(l, pick));
  const receiverRss = Math.max(0, ...facts.aggregates.filter((l) => l.scenario !== 'accept').map((l) => l.rss_mb.receiver ?? 0));
  const target = (value: number | null | undefined, met: (v: number) => boolean) =>
    value === null || value === undefined ? { value: null, met: null } : { value, met: met(value) };
  const targets = {
    cluster_accept_p99_ms_at_300_le_20: target(aggregate(accept('cluster', 300))?.latency_ms.p99, (v) => v <= 20),
    cluster_over_seed_rps_saturation_ge_1_2: target(ratio(accept('cluster'), accept('seed'), rps)?.median, (v) => v >= 1.2),
    dev_accept_p99_ms_at_100_le_100: target(aggregate(accept('dev', 100))?.latency_ms.p99, (v) => v <= 100),
    accept_dev_over_direct_rps_ge_0_9: target(ratios.accept_dev_over_direct_rps?.median, (v) => v >= 0.9),
    reject_over_bare_rps_ge_0_75: target(ratios.reject_over_bare_rps?.median, (v) => v >= 0.75),
    duplicate_runs_for_key_eq_1: target(facts.duplicateRunsForKey, (v) => v === 1),
    duplicate_over_accept_dev_p99_le_1: target(ratios.duplicate_over_accept_dev_p99?.median, (v) => v <= 1),
    loop_p50_ms_le_250: target(facts.loopP50Ms, (v) => v <= 250),
    receiver_cpu_ms_per_request_le_1: target(facts.receiverCpuMs, (v) => v <= 1),
    receiver_rss_mb_le_120: target(receiverRss > 0 ? receiverRss : undefined, (v) => v <= 120),
    startup_s_le_10: target(facts.startupMedianS, (v) => v <= 10),
    every_accepted_key_recorded_once: target(facts.checks.length > 0 ? Number(facts.checks.every((c) => c.ok)) : undefined, (v) => v === 1),
  };
  return [{ ratios }, { targets }];
}
