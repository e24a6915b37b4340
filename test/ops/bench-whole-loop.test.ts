import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { WARMUP_EVENTS } from '../../bench/whole-loop';

const ROOT = join(__dirname, '..', '..');
const EVENTS = 5;

/**
 * The bench's whole-loop scenario end to end, small, on the cluster shape alone (the seed's Python set-up is the
 * bench's own concern): signed events for posts in a real WordPress, the relay's enrichPost on the real Temporal
 * server, every summary found stored in WordPress's database, and every run closed. What it prints is asserted, never
 * how fast anything was; `--force` because the suite itself keeps the machine busy.
 */
describe('npm run bench -- --only whole-loop', () => {
  it('follows each signed event to its summary stored in WordPress and finds every accepted key run once', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--only', 'whole-loop', '--targets', 'cluster', '--whole-loop-events', String(EVENTS), '--rounds', '1', '--force'],
      { cwd: ROOT, maxBuffer: 16 * 2 ** 20 },
    );
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    const [run, ...more] = lines.filter((l) => l.scenario === 'whole-loop' && l.round !== undefined);
    assert.equal(more.length, 0);
    assert.deepEqual({ target: run!.target, round: run!.round, events: run!.events, accepted: run!.accepted, stored: run!.stored }, {
      target: 'cluster',
      round: 1,
      events: EVENTS,
      accepted: EVENTS,
      stored: EVENTS,
    });
    assert.ok((run!.events_per_s as number) > 0, JSON.stringify(run));
    const cpu = run!.cpu_ms_per_event as Record<string, number>;
    // The receiver's five answers can round to 0 % of a core on a fast machine: it is checked as watched, the
    // processes that run the five workflows as busy.
    assert.equal(typeof cpu.receiver, 'number', JSON.stringify(cpu));
    for (const process of ['worker', 'temporal', 'postgres']) assert.ok(cpu[process]! > 0, `${process}: ${JSON.stringify(cpu)}`);

    const summary = lines.find((l) => l.scenario === 'whole-loop' && l.summary !== undefined);
    const clusterRate = (summary?.summary as Record<string, { events_per_s: number }> | undefined)?.cluster?.events_per_s;
    assert.ok(clusterRate !== undefined && clusterRate > 0, JSON.stringify(summary));

    const [check] = lines.find((l) => l.check !== undefined)!.check as { target: string; accepted_keys: number; ok: boolean; missing: number; repeated: number; not_run: number }[];
    assert.deepEqual(
      { target: check!.target, accepted_keys: check!.accepted_keys, ok: check!.ok, missing: check!.missing, repeated: check!.repeated, not_run: check!.not_run },
      { target: 'cluster', accepted_keys: EVENTS + WARMUP_EVENTS, ok: true, missing: 0, repeated: 0, not_run: 0 },
    );
  });
});
