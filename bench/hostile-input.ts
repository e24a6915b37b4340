import { parseArgs } from 'node:util';
import { runHostile, startHostileTarget } from '../test/support/hostile-run';
import { benchHtmlStrip } from './html-strip';

const print = (line: object) => console.log(JSON.stringify(line));

/**
 * `npm run bench:hostile [-- --requests 100000 --concurrency 32 --seed N]`: HTML-stripping timings, then the
 * hostile-input suite's generated requests at benchmark size against the real receiver and a real Temporal dev
 * server. Prints requests, answers by status, 5xx, violations, log leaks and the longest wait of a valid request
 * sent meanwhile (the longest stall).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { requests: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '32' }, seed: { type: 'string' } },
  });
  benchHtmlStrip(print);
  const target = await startHostileTarget();
  try {
    const figures = await runHostile(target, {
      total: Number(values.requests),
      concurrency: Number(values.concurrency),
      ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    });
    const fivexx = Object.entries(figures.byStatus).filter(([status]) => status.startsWith('5')).reduce((n, [, c]) => n + c, 0);
    print({
      scenario: 'hostile-input',
      requests: figures.requests,
      seconds: Math.round(figures.seconds),
      requests_per_second: Math.round(figures.requests / figures.seconds),
      by_status: figures.byStatus,
      '5xx': fivexx,
      violations: figures.violations.slice(0, 20),
      violation_count: figures.violations.length,
      log_leaks: figures.leaks.length,
      probes: { sent: figures.probes.sent, accepted: figures.probes.accepted, longest_ms: Math.round(figures.probes.longestMs) },
      seed: figures.seed,
    });
  } finally {
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
