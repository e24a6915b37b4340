import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { loadConfig } from '../config/config';
import { connectClient, TARGET_OPTIONS } from './context';
import { refuseArguments } from './arguments';
import { CliError, UsageError } from './errors';
import { pricesSchema, recordedCalls, sumUsage, usageQuery, type Prices, type UsageRow } from './token-usage';

export const usage =
  'wp-ai-relay usage [--since 7d] [--site URL] [--prices prices.json] [--json] [--address host:port] [--namespace NS]';

/**
 * Tokens (and cost, with --prices: {"<model>": {"prompt": USD per 1M, "completion": USD per 1M}}) per site, day
 * and model, summed from the `llm` record each AI activity keeps in its result, read from the runs' histories.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      since: { type: 'string', default: '7d' },
      site: { type: 'string' },
      prices: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...TARGET_OPTIONS,
    },
  });
  refuseArguments(positionals, usage);
  let sinceMs: number;
  try {
    sinceMs = msToNumber(values.since as Parameters<typeof msToNumber>[0]);
  } catch {
    sinceMs = NaN;
  }
  if (!Number.isFinite(sinceMs) || sinceMs <= 0) throw new UsageError(`--since "${values.since}" is not a duration like 24h or 7d`, usage);
  const prices = values.prices === undefined ? {} : readPrices(values.prices);
  const since = new Date(Date.now() - sinceMs);

  const temporal = await connectClient(loadConfig(), values);
  try {
    const rows = sumUsage(await recordedCalls(temporal.client, usageQuery(since, values.site), since), prices);
    console.log(values.json ? JSON.stringify({ since: since.toISOString(), rows }, null, 2) : formatRows(rows, since));
    return 0;
  } finally {
    await temporal.close();
  }
}

function readPrices(path: string): Prices {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`--prices ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
  const parsed = pricesSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`--prices ${path}: expected {"<model>": {"prompt": USD per 1M tokens, "completion": USD per 1M tokens}}: ${z.prettifyError(parsed.error)}`, 2);
  }
  return parsed.data;
}

function formatRows(rows: readonly UsageRow[], since: Date): string {
  if (rows.length === 0) return `no LLM calls recorded since ${since.toISOString()}`;
  const header = ['site', 'day', 'model', 'calls', 'prompt', 'completion', 'total', 'cost (USD)'];
  const table = rows.map((r) => [r.site, r.day, r.model, r.calls, r.promptTokens, r.completionTokens, r.totalTokens, r.cost === undefined ? '-' : r.cost.toFixed(4)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`LLM usage since ${since.toISOString()}`, line(header), ...table.map(line)].join('\n');
}
