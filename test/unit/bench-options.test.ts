import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, receiverVariants } from '../../bench/options';
import { summarize, type ReceiverCpuLine } from '../../bench/receiver-cpu';

describe('the bench options', () => {
  it('runs every relay scenario by default, the harness and plugin ones only when named', () => {
    const options = parseOptions([]);
    assert.ok(options.scenarios.has('receiver-cpu') && options.scenarios.has('accept') && options.scenarios.has('loop'));
    assert.ok(!options.scenarios.has('dashboard') && !options.scenarios.has('cluster-startup') && !options.scenarios.has('whole-loop'));
    assert.deepEqual([...parseOptions(['--only', 'dashboard']).scenarios], ['dashboard']);
  });

  it('refuses a scenario or target it does not know, naming it', () => {
    assert.throws(() => parseOptions(['--only', 'acept']), /unknown scenario "acept"/);
    assert.throws(() => parseOptions(['--targets', 'prod']), /unknown target "prod"/);
  });

  it('measures this checkout\'s receiver alone unless variants are given', () => {
    assert.deepEqual(receiverVariants([], []), [{ name: 'this', tracing: false, env: {} }]);
  });

  it('reads a variant\'s build, tracing and environment, and an --entry as a variant of its own', () => {
    const variants = receiverVariants(['traced:tracing=on,LOG_LEVEL=warn', 'before:entry=../before/dist/src/receiver.js'], ['old/receiver.js']);
    assert.deepEqual(variants, [
      { name: 'traced', entry: undefined, tracing: true, env: { LOG_LEVEL: 'warn' } },
      { name: 'before', entry: '../before/dist/src/receiver.js', tracing: false, env: {} },
      { name: 'old/receiver.js', entry: 'old/receiver.js', tracing: false, env: {} },
    ]);
  });

  it('refuses two variants of one name, and a tracing value other than on or off', () => {
    assert.throws(() => receiverVariants(['a', 'a:LOG_LEVEL=warn'], []), /each needs a name of its own \("a"\)/);
    assert.throws(() => receiverVariants(['a:tracing=yes'], []), /tracing is on or off/);
  });

  it("takes the dev server's flags after an = sign, as one value per --dev-arg", () => {
    assert.deepEqual(parseOptions(['--dev-arg=--dynamic-config-value system.x=true']).devArgs, ['--dynamic-config-value system.x=true']);
  });

  it('runs the whole loop only on its own: its targets are given WordPress and the LLM, accept\'s are not', () => {
    assert.deepEqual([...parseOptions(['--only', 'whole-loop', '--whole-loop-events', '50']).scenarios], ['whole-loop']);
    assert.equal(parseOptions(['--whole-loop-events', '50']).wholeLoopEvents, 50);
    assert.throws(() => parseOptions(['--only', 'accept,whole-loop']), /run them one at a time/);
  });

  it("takes the cluster's Temporal levers: shards, dynamic config keys and the server's environment", () => {
    const { serverTuning } = parseOptions(['--history-shards', '8', '--dynamic-config', 'matching.numTaskqueueReadPartitions=1', '--server-env', 'GOGC=200']);
    assert.deepEqual(serverTuning, { historyShards: 8, dynamicConfig: { 'matching.numTaskqueueReadPartitions': '1' }, env: { GOGC: '200' } });
    assert.deepEqual(parseOptions([]).serverTuning, { historyShards: undefined, dynamicConfig: undefined, env: {} });
    assert.throws(() => parseOptions(['--history-shards', '0']), /--history-shards must be a number from 1/);
  });

  it('takes PostgreSQL settings as name=value and refuses anything that is not a setting name', () => {
    assert.deepEqual(parseOptions(['--pg-setting', 'commit_delay=1000', '--pg-setting', 'commit_siblings=2']).pgSettings, [
      ['commit_delay', '1000'],
      ['commit_siblings', '2'],
    ]);
    assert.throws(() => parseOptions(['--pg-setting', "x'; DROP TABLE y; --=1"]), /not a PostgreSQL setting name/);
  });
});

describe('the receiver-cpu summary', () => {
  const line = (variant: string, round: number, cpu: number, rss = 100): ReceiverCpuLine => ({
    scenario: 'receiver-cpu',
    variant,
    round,
    receiver: 'dist/src/receiver.js',
    rate: 200,
    requests: 1000,
    accepted: 1000,
    statuses: { '202': 1000 },
    errors: 0,
    not_sent: 0,
    cpu_s: cpu,
    cpu_ms_per_request: cpu,
    rss_mb: rss,
    p50_ms: 2,
    p99_ms: 5,
    load_average: [0.5, 0.5, 0.5],
  });

  it('gives each variant its median and its ratio to the first variant within each round', () => {
    const lines = [line('before', 1, 2), line('after', 1, 1), line('before', 2, 4), line('after', 2, 3, 120), line('before', 3, 2), line('after', 3, 1.5)];
    const [before, after] = summarize(lines, [{ name: 'before' }, { name: 'after' }]) as Record<string, unknown>[];
    assert.equal(before!.cpu_ms_per_request, 2);
    assert.equal(before!.over_before, undefined);
    assert.equal(after!.cpu_ms_per_request, 1.5);
    assert.deepEqual(after!.over_before, { median: 0.75, per_round: [0.5, 0.75, 0.75] });
    assert.equal(after!.rss_mb, 120);
  });
});
