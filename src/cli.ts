#!/usr/bin/env node
import './config/env-file';
import { parseArgs } from 'node:util';
import { ConfigError } from './config/config';
import { CliError } from './cli/errors';
import * as evaluate from './cli/eval';
import * as tokenUsage from './cli/usage';
import * as failed from './cli/failed';
import * as replay from './cli/replay';
import * as reset from './cli/reset';
import * as schedule from './cli/schedule';
import * as send from './cli/send';
import * as stuck from './cli/stuck';
import * as check from './cli/check';

interface Command {
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

/** Operators' tools: `wp-ai-relay <command>`. Failed runs are the dead-letter queue; these commands work it. */
const commands: Record<string, Command & { summary: string }> = {
  send: { ...send, summary: 'build, sign and POST a test event' },
  failed: { ...failed, summary: 'list Failed runs' },
  stuck: { ...stuck, summary: 'list running runs whose activities keep failing (retrying), with the last error' },
  check: { ...check, summary: 'probe the LLM and WordPress endpoints the configuration names' },
  reset: { ...reset, summary: 'reset failed runs to the right point' },
  replay: { ...replay, summary: 'check a history against the workflow code' },
  schedule: { ...schedule, summary: 'request a site\'s batch on a cron expression (Temporal Schedules)' },
  eval: { ...evaluate, summary: 'measure the configured model on labelled comments, leads and posts' },
  usage: { ...tokenUsage, summary: 'LLM tokens (and cost) per site and day, from the runs\' histories' },
};

function help(): string {
  const entries = Object.entries(commands).map(([name, c]) => [name, c.summary, c.usage]);
  return [
    'usage: wp-ai-relay <command> [options]',
    '',
    ...entries.map(([name, summary, usage]) => `  ${name!.padEnd(8)} ${summary}\n           ${usage!.split('\n')[0]}`),
    '',
    'Configuration comes from the relay environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*,',
    'TEMPORAL_API_KEY, WP_RELAY_SECRET(S), PORT, PAYLOAD_ENCRYPTION_KEYS; eval: OPENAI_*); see docs/operations.md.',
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) throw new CliError(`unknown command "${name}"\n\n${help()}`, 2);
  // `--help` (or -h) anywhere in a command's options: its usage, whatever else is given.
  const asked = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true });
  if (asked.values.help === true) {
    console.log(`${command.summary}\n\nusage: ${command.usage}`);
    return 0;
  }
  return command.run(rest);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Our own errors already say what to do; anything else keeps its stack for a bug report.
    const known =
      error instanceof CliError || error instanceof ConfigError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(known ? `wp-ai-relay: ${(error as Error).message}` : error);
    process.exit(error instanceof CliError ? error.exitCode : known ? 2 : 1);
  },
);
