/** Calls per persistence operation, summed over the services of one Temporal process, from its Prometheus text. */
export type PersistenceCalls = Map<string, number>;

const LINE = /^persistence_requests\{([^}]*)\} ([0-9.e+]+)$/gm;

export async function persistenceCalls(metricsUrl: string): Promise<PersistenceCalls> {
  const text = await (await fetch(metricsUrl)).text();
  const calls: PersistenceCalls = new Map();
  for (const [, labels, value] of text.matchAll(LINE)) {
    const operation = /operation="([^"]*)"/.exec(labels!)?.[1] ?? 'unknown';
    calls.set(operation, (calls.get(operation) ?? 0) + Number(value));
  }
  return calls;
}

/**
 * Persistence calls per request between two readings: all of them, and the operations that cost most, so a lever
 * that removes reads or writes shows as a count that does not depend on how busy the machine was.
 */
export function callsPerRequest(before: PersistenceCalls, after: PersistenceCalls, requests: number, top = 8): { total: number; by_operation: Record<string, number> } {
  const delta = [...after].map(([operation, n]): [string, number] => [operation, n - (before.get(operation) ?? 0)]).filter(([, n]) => n > 0);
  const per = (n: number) => Math.round((n / Math.max(1, requests)) * 100) / 100;
  delta.sort((a, b) => b[1] - a[1]);
  return { total: per(delta.reduce((sum, [, n]) => sum + n, 0)), by_operation: Object.fromEntries(delta.slice(0, top).map(([op, n]) => [op, per(n)])) };
}
