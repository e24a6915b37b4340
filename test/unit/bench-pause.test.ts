import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { pause, resumeAll } from '../../bench/pause';

/** The process's state letter from /proc (T: stopped by a signal). */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Waits until the state is (or is not) T: signal delivery is asynchronous. A pause that never takes hangs here, and the runner times the test out. */
async function until(pid: number, stopped: boolean): Promise<void> {
  while ((state(pid) === 'T') !== stopped) await sleep(5);
}

describe('bench pause', () => {
  // A parent with a child of its own: a paused shape is frozen with everything it started. Both live in a process
  // group of their own and hold none of the runner's pipes, so after() ends the two together and the runner, which
  // waits for every holder of its output pipe, is never kept waiting by an orphaned grandchild.
  const parent = spawn(process.execPath, ['-e', "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); setInterval(() => {}, 1000)"], {
    stdio: 'ignore',
    detached: true,
  });
  after(async () => {
    resumeAll();
    const exited = parent.exitCode === null && parent.signalCode === null ? once(parent, 'exit') : Promise.resolve();
    process.kill(-parent.pid!, 'SIGKILL');
    await exited;
  });

  async function childOf(pid: number): Promise<number> {
    for (;;) {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children !== '') return Number(children.split(' ')[0]);
      await sleep(10);
    }
  }

  it('stops a process and its descendants, and resume wakes them again', async () => {
    const child = await childOf(parent.pid!);
    const paused = pause([parent.pid, undefined]);
    await until(parent.pid!, true);
    await until(child, true);
    paused.resume();
    await until(parent.pid!, false);
    await until(child, false);
  });

  it('resumeAll wakes whatever an interrupted run left paused', async () => {
    const child = await childOf(parent.pid!);
    pause([parent.pid]);
    await until(child, true);
    resumeAll();
    await until(parent.pid!, false);
    await until(child, false);
  });
});
