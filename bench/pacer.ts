import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult, Pace } from './load-protocol';
import { summarize } from './stats';

export interface DriveResult {
  readonly latenciesMs: number[];
  /** Paced calls still waiting for a free slot when the window closed: the target did not keep up with the rate. */
  readonly notSent: number;
  /** Completed calls by the outcome `send` returned ('error' when it threw). */
  readonly outcomes: Record<string, number>;
  readonly seconds: number;
}

/**
 * Calls `send` for `durationSeconds`: closed loop with `connections` callers, or, with a rate, on an even schedule
 * with at most `connections` in flight. A paced call's latency counts from its scheduled time, so a call that
 * waited for a free slot is charged for the wait (no coordinated omission).
 */
export async function drive(pace: Pace, send: () => Promise<string>): Promise<DriveResult> {
  const latenciesMs: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + pace.durationSeconds * 1000;
  const call = async (since: number) => {
    let outcome: string;
    try {
      outcome = await send();
    } catch {
      outcome = 'error';
    }
    latenciesMs.push(performance.now() - since);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };

  let notSent = 0;
  if (pace.rate === undefined) {
    const caller = async () => {
      while (performance.now() < deadline) await call(performance.now());
    };
    await Promise.all(Array.from({ length: pace.connections }, caller));
  } else {
    notSent = await paced(pace.rate, pace.connections, started, deadline, call);
  }
  return { latenciesMs, notSent, outcomes, seconds: (performance.now() - started) / 1000 };
}

async function paced(
  rate: number,
  limit: number,
  started: number,
  deadline: number,
  call: (since: number) => Promise<void>,
): Promise<number> {
  const interval = 1000 / rate;
  const waiting: number[] = [];
  const running = new Set<Promise<void>>();
  const launch = (scheduled: number) => {
    const p = call(scheduled).finally(() => {
      running.delete(p);
      const next = waiting.shift();
      if (next !== undefined) launch(next);
    });
    running.add(p);
  };
  for (let i = 0; ; i++) {
    const scheduled = started + i * interval;
    if (scheduled >= deadline) break;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    if (running.size < limit) launch(scheduled);
    else waiting.push(scheduled);
  }
  // The window is over: what has not started by now is not sent, so a target that falls behind cannot stretch the run.
  const notSent = waiting.splice(0).length;
  while (running.size > 0) await Promise.race(running);
  return notSent;
}

/** A drive() as a load result: calls that threw count as errors, not as answers. */
export function asRun(run: DriveResult): Omit<LoadResult, 'sentKeys' | 'acceptedKeys'> {
  const { error = 0, ...statuses } = run.outcomes;
  return {
    requests: run.latenciesMs.length - error,
    notSent: run.notSent,
    seconds: run.seconds,
    latency: summarize(run.latenciesMs),
    statuses,
    errors: error,
    timeouts: 0,
  };
}
