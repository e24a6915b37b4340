import type { AggregateLine } from './aggregate';

/**
 * The run as a short Markdown table for people (the JSON lines stay on stdout for tools): one row per scenario,
 * shape and pace; CPU is per event for each process of the shape measured.
 */
export function runTable(aggregates: readonly AggregateLine[]): string {
  const rows = aggregates.map((a) => {
    const pace = a.target_rate === undefined ? `max (${a.connections} conn.)` : `${a.target_rate}/s`;
    const cpu = Object.entries(a.cpu_ms_per_request)
      .map(([name, ms]) => `${name} ${ms}`)
      .join(', ');
    const rss = Object.entries(a.rss_mb)
      .map(([name, mb]) => `${name} ${mb}`)
      .join(', ');
    return `| ${a.scenario}${a.target ? ` · ${a.target}` : ''} | ${pace} | ${a.rps} | ${a.latency_ms.p50} | ${a.latency_ms.p99} | ${a.non_2xx + a.errors} | ${cpu} | ${rss} |`;
  });
  return [
    '| scenario · shape | offered | achieved/s | p50 ms | p99 ms | not 2xx | CPU ms per event | RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
