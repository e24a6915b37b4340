/** Calls per persistence operation, summed over the services of one Temporal process, from its Prometheus text. */
export type PersistenceCalls = Record<string, number>;

const LINE = /^persistence_requests\{([^}]*)\} ([0-9.e+]+)$/gm;

export async function persistenceCalls(metricsUrl: string): Promise<PersistenceCalls> {
  const text = await (await fetch(metricsUrl)).text();
  const calls: PersistenceCalls = {};
  for (const [, labels, value] of text.matchAll(LINE)) {
    const operation = `persistence.${/operation="([^"]*)"/.exec(labels!)?.[1] ?? 'unknown'}`;
    calls[operation] = (calls[operation] ?? 0) + Number(value);
  }
  return calls;
}
