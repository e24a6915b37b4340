import type { AggregateLine } from './aggregate';
import type { ScenarioLine } from './scenario';
import { median, round } from './stats';
import type { WorkflowCheck } from './verify';

export interface RunFacts {
  readonly runs: readonly ScenarioLine[];
  readonly aggregates: readonly AggregateLine[];
  readonly checks: readonly WorkflowCheck[];
  /** The fixed rate the targets are stated at. */
  readonly rate: number;
  readonly duplicateRunsForKey?: number | undefined;
  readonly loopP50Ms?: number | undefined;
  readonly startupMedianS?: number | undefined;
}

type Metric = (line: ScenarioLine) => number;
const rps: Metric = (l) => l.rps;
const p99: Metric = (l) => l.latency_ms.p99;

/**
 * The ratios, each taken within a round (runs back to back, under the same machine load) and then the median over
 * rounds; and each target of issue #5 next to its figure. Printed, not asserted: a missed target is a finding.
 */
export function summarizeRun(facts: RunFacts): object[] {
  const matches = (l: { scenario: string; mode: string; target_rate?: number }, scenario: string, mode: 'max' | 'rate') =>
    l.scenario === scenario && l.mode === mode && (mode === 'max' || l.target_rate === facts.rate);
  const ratio = (a: string, b: string, mode: 'max' | 'rate', metric: Metric) => {
    const perRound: number[] = [];
    for (const x of facts.runs.filter((l) => matches(l, a, mode))) {
      const y = facts.runs.find((l) => matches(l, b, mode) && l.round === x.round);
      if (y && metric(y) > 0) perRound.push(round(metric(x) / metric(y), 3));
    }
    return perRound.length === 0 ? null : { median: round(median(perRound), 3), per_round: perRound };
  };
  const ratios = {
    accept_over_direct_rps: ratio('accept', 'direct', 'max', rps),
    accept_over_direct_p99: ratio('accept', 'direct', 'max', p99),
    accept_over_direct_p99_at_rate: ratio('accept', 'direct', 'rate', p99),
    reject_over_bare_rps: ratio('reject', 'bare', 'max', rps),
    duplicate_over_accept_p99: ratio('duplicate', 'accept', 'max', p99),
    duplicate_over_accept_p99_at_rate: ratio('duplicate', 'accept', 'rate', p99),
  };

  const aggregate = (scenario: string, mode: 'max' | 'rate') => facts.aggregates.find((l) => matches(l, scenario, mode));
  const receiverRss = Math.max(0, ...facts.aggregates.map((l) => l.rss_mb.receiver ?? 0));
  const target = (value: number | null | undefined, met: (v: number) => boolean) =>
    value === null || value === undefined ? { value: null, met: null } : { value, met: met(value) };
  const targets = {
    accept_p99_ms_at_rate_le_20: target(aggregate('accept', 'rate')?.latency_ms.p99, (v) => v <= 20),
    accept_over_direct_rps_ge_0_9: target(ratios.accept_over_direct_rps?.median, (v) => v >= 0.9),
    reject_over_bare_rps_ge_0_75: target(ratios.reject_over_bare_rps?.median, (v) => v >= 0.75),
    duplicate_runs_for_key_eq_1: target(facts.duplicateRunsForKey, (v) => v === 1),
    duplicate_over_accept_p99_le_1: target(ratios.duplicate_over_accept_p99?.median, (v) => v <= 1),
    loop_p50_ms_le_250: target(facts.loopP50Ms, (v) => v <= 250),
    receiver_rss_mb_le_120: target(receiverRss > 0 ? receiverRss : undefined, (v) => v <= 120),
    startup_s_le_10: target(facts.startupMedianS, (v) => v <= 10),
    every_accepted_key_one_run: target(facts.checks.length > 0 ? Number(facts.checks.every((c) => c.ok)) : undefined, (v) => v === 1),
  };
  return [{ ratios, rate: facts.rate }, { targets, rate: facts.rate }];
}
