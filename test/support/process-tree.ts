import { readFileSync } from 'node:fs';
import { processTree } from '../../tools/proc-stats';
import { commandLine } from '../../src/startup/port-holder';

/** Every process below `pid` (children, their children, ...), with its command line. */
export function descendants(pid: number): { pid: number; command: string }[] {
  return processTree(pid)
    .filter((p) => p !== pid)
    .map((p) => ({ pid: p, command: commandLine(p) }));
}

/** Whether the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
