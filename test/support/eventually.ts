import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` until it returns a value: for a state another process reaches a moment later (visibility, a log
 * line, an LLM request, a workflow's state). The deadline only turns a hang into a message naming what never came;
 * it is far beyond how long any of these takes on a loaded machine, so it never decides a result.
 */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 120_000,
  /** What to show besides `what` when the deadline passes (e.g. a process's log). */
  context: () => string = () => '',
): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${prefixed(context())}`);
  }
}

function prefixed(text: string): string {
  return text ? `:\n${text}` : '';
}
