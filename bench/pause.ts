import { processTree } from '../tools/proc-stats';

/**
 * Freezes processes (SIGSTOP, each with its descendants) while another shape is measured, so idle stacks cost the
 * machine nothing, not even their timers and polls; `resume` (SIGCONT) wakes them. A stopped process cannot
 * act on SIGTERM, so whoever stops a paused shape resumes it first.
 */
export function pause(pids: readonly (number | undefined)[]): { resume(): void } {
  const frozen = pids.flatMap((pid) => (pid === undefined ? [] : processTree(pid)));
  for (const pid of frozen) {
    signal(pid, 'SIGSTOP');
    paused.add(pid);
  }
  return {
    resume: () => {
      for (const pid of frozen) {
        signal(pid, 'SIGCONT');
        paused.delete(pid);
      }
    },
  };
}

const paused = new Set<number>();

/** Wakes whatever is still paused: an interrupted run calls it before stopping the shapes. */
export function resumeAll(): void {
  for (const pid of paused) signal(pid, 'SIGCONT');
  paused.clear();
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ended meanwhile
  }
}
