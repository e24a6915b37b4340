import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const EVENTS = 200;

/**
 * The bench's receiver-cpu scenario end to end, small: two variants of the real receiver (through tsx, so no build)
 * on a real dev server, one round each, then the check of every accepted key. What it prints is asserted, never how
 * fast anything was; `--force` because the suite itself keeps the machine busy.
 */
describe('npm run bench:receiver-cpu', () => {
  it('measures two receivers side by side, compares the second with the first, and finds every accepted key recorded once', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--only', 'receiver-cpu', '--force', '--tsx', '--rounds', '1', '--cpu-events', String(EVENTS), '--cpu-warmup', '20', '--cpu-rate', '50', '--variant', 'a', '--variant', 'b:LOG_LEVEL=warn'],
      { cwd: ROOT, maxBuffer: 16 * 2 ** 20 },
    );
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const cpu = lines.filter((l) => l.scenario === 'receiver-cpu');

    const runs = cpu.filter((l) => l.round === 1);
    assert.deepEqual(runs.map((l) => l.variant), ['a', 'b']);
    for (const run of runs) {
      assert.ok((run.requests as number) > 0, JSON.stringify(run));
      assert.deepEqual(Object.keys(run.statuses as object), ['202'], JSON.stringify(run));
      assert.equal(run.accepted, run.requests);
      assert.ok((run.cpu_ms_per_request as number) > 0);
    }

    const summaryOfB = cpu.find((l) => l.variant === 'b' && l.rounds === 1);
    assert.ok(summaryOfB?.over_a, JSON.stringify(cpu));

    const check = cpu.find((l) => l.check !== undefined)?.check as { variant: string; ok: boolean; missing: number; repeated: number; unknown: number }[];
    assert.deepEqual(
      check.map(({ variant, ok, missing, repeated, unknown }) => ({ variant, ok, missing, repeated, unknown })),
      ['a', 'b'].map((variant) => ({ variant, ok: true, missing: 0, repeated: 0, unknown: 0 })),
    );
  });
});
