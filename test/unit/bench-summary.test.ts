import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate } from '../../bench/aggregate';
import { compareKeys } from '../../bench/key-check';
import { groups } from '../../bench/rounds';
import type { ScenarioLine } from '../../bench/scenario';
import { roundRatio, summarizeRun } from '../../bench/summary';

function line(target: string, round: number, rps: number, p99: number, rate?: number): ScenarioLine {
  return {
    scenario: 'accept',
    target,
    mode: rate === undefined ? 'max' : 'rate',
    round,
    connections: 16,
    ...(rate === undefined ? {} : { target_rate: rate }),
    seconds: 5,
    requests: rps * 5,
    rps,
    latency_ms: { p50: p99 / 2, p90: p99 * 0.8, p99, max: p99 * 2 },
    statuses: { '202': rps * 5 },
    non_2xx: 0,
    errors: 0,
    timeouts: 0,
    not_sent: 0,
    rss_mb: {},
    cpu_pct: {},
    cpu_ms_per_request: {},
  };
}

// Three rounds, each running the targets back to back at saturation and at 100 and 300 req/s.
const runs: ScenarioLine[] = [1, 2, 3].flatMap((round) => [
  line('cluster', round, [400, 300, 360][round - 1]!, 30),
  line('seed', round, [250, 300, 240][round - 1]!, 20),
  line('dev', round, 120, 200),
  line('cluster', round, 100, [8, 9, 50][round - 1]!, 100),
  line('seed', round, 100, 12, 100),
  line('dev', round, 100, [80, 90, 300][round - 1]!, 100),
  line('cluster', round, 300, [15, 40, 18][round - 1]!, 300),
  line('seed', round, 250, 900, 300),
  line('dev', round, 110, 3000, 300),
]);

describe('the benchmark aggregation', () => {
  it('takes a ratio within each round, then the median over the rounds', () => {
    const ratio = roundRatio(runs, { scenario: 'accept', target: 'cluster' }, { scenario: 'accept', target: 'seed' }, (l) => l.rps);
    assert.deepEqual(ratio, { median: 1.5, per_round: [1.6, 1, 1.5] });
  });

  it('keeps each target, mode and rate apart when it groups rounds, and takes medians per group', () => {
    const grouped = groups(runs);
    assert.equal(grouped.length, 9);
    const cluster300 = grouped.map(aggregate).find((a) => a.target === 'cluster' && a.target_rate === 300)!;
    assert.equal(cluster300.rounds, 3);
    assert.equal(cluster300.latency_ms.p99, 18);
    assert.equal(cluster300.latency_ms.max, 80);
  });

  it("reads issue #13's targets from the right target and rate", () => {
    const aggregates = groups(runs).map(aggregate);
    const [{ ratios }, { targets }] = summarizeRun({ runs, aggregates, checks: [], rate: 100, targets: ['cluster', 'dev', 'seed'] }) as [
      { ratios: Record<string, { median: number } | null> },
      { targets: Record<string, { value: number | null; met: boolean | null }> },
    ];
    assert.deepEqual(targets.cluster_accept_p99_ms_at_300_le_20, { value: 18, met: true });
    assert.deepEqual(targets.cluster_over_seed_rps_saturation_ge_1_2, { value: 1.5, met: true });
    assert.deepEqual(targets.dev_accept_p99_ms_at_100_le_100, { value: 90, met: true });
    assert.equal(ratios.cluster_over_seed_rps_at_300?.median, 1.2);
    assert.equal(ratios.dev_over_seed_p99_at_100?.median, 7.5);
    assert.deepEqual(targets.every_accepted_key_recorded_once, { value: null, met: null });
  });

  it("compares the receiver's CPU per request with its 1 ms target, and medians each storage counter over the rounds", () => {
    const withCounters = [1, 2, 3].map((round) => ({ ...line('dev', round, 100, 50, 100), per_request: { 'persistence.total': [5, 7, 6][round - 1]! } }));
    const [agg] = groups(withCounters).map(aggregate);
    assert.deepEqual(agg!.per_request, { 'persistence.total': 6 });
    const [, { targets }] = summarizeRun({ runs, aggregates: [], checks: [], rate: 100, targets: [], receiverCpuMs: 1.2 }) as [
      unknown,
      { targets: Record<string, { value: number | null; met: boolean | null }> },
    ];
    assert.deepEqual(targets.receiver_cpu_ms_per_request_le_1, { value: 1.2, met: false });
  });

  it('reports a target whose shape did not run as unmeasured, not as missed', () => {
    const only = runs.filter((l) => l.target !== 'cluster');
    const [, { targets }] = summarizeRun({ runs: only, aggregates: groups(only).map(aggregate), checks: [], rate: 100, targets: ['dev', 'seed'] }) as [
      unknown,
      { targets: Record<string, { value: number | null; met: boolean | null }> },
    ];
    assert.deepEqual(targets.cluster_accept_p99_ms_at_300_le_20, { value: null, met: null });
    assert.deepEqual(targets.cluster_over_seed_rps_saturation_ge_1_2, { value: null, met: null });
  });
});

describe('the benchmark key check', () => {
  it('finds lost, repeated and unknown keys, and allows recorded keys that were never answered', () => {
    const sent = new Set(['a', 'b', 'c', 'd', 'e']);
    const accepted = new Set(['a', 'b', 'c']);
    const check = compareKeys(new Map([['a', 1], ['b', 2], ['d', 1], ['z', 1]]), sent, accepted);
    assert.deepEqual(check, { accepted_keys: 3, recorded: 5, missing: 1, repeated: 1, unknown: 1, unanswered_started: 1, ok: false });
  });

  it('passes when every accepted key is recorded exactly once', () => {
    const check = compareKeys(new Map([['a', 1], ['b', 1], ['c', 1]]), new Set(['a', 'b', 'c', 'd']), new Set(['a', 'b']));
    assert.equal(check.ok, true);
    assert.equal(check.unanswered_started, 1);
  });
});
