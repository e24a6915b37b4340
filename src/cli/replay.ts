import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { cliPayloadCodec, dataConverterOf } from '../temporal/data-converter';
import { loadConfig } from '../config/config';
import { installRuntime } from '../temporal/runtime';
import { WORKFLOWS_PATH } from '../temporal/worker';
import { CliError, UsageError } from './errors';

export const usage = 'wp-ai-relay replay <history.json> [--workflows PATH]';

/** Exit code of a history the workflow code no longer replays: the change needs patched() or a new workflow type. */
export const NONDETERMINISTIC_EXIT_CODE = 3;

/**
 * Replays a downloaded history (Web UI "Download", or `temporal workflow show --output json`) against the
 * workflow code, today's by default: a change that would break running workflows fails here, before a deploy.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { workflows: { type: 'string' } },
  });
  const [file, extra] = positionals;
  if (file === undefined || extra !== undefined) throw new UsageError('give one history file', usage);

  let history;
  try {
    history = historyFromJSON(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new CliError(`${file} is not a Temporal history in JSON (${(error as Error).message})`);
  }
  const workflowsPath = values.workflows === undefined ? WORKFLOWS_PATH : resolve(values.workflows);
  installRuntime();
  try {
    // Histories hold payloads encrypted by the relay's codec (older ones plaintext, which it passes through).
    const codec = cliPayloadCodec(loadConfig());
    await Worker.runReplayHistory(
      { workflowsPath, replayName: `wp-ai-relay replay ${file}`, ...(codec ? { dataConverter: dataConverterOf(codec) } : {}) },
      history,
    );
  } catch (error) {
    if (error instanceof DeterminismViolationError) {
      // The core's message wraps the useful sentence ("[TMPRL1100] ... does not match ...") in a Rust debug dump.
      const detail = /\[TMPRL\d+\][^"]*/.exec(error.message)?.[0] ?? error.message;
      throw new CliError(
        `NOT compatible: ${file} does not replay on ${workflowsPath}:\n  ${detail}\n` +
          'Runs with this history would fail after the deploy. Guard the change with patched() from ' +
          '@temporalio/workflow, or give the new behaviour a new workflow type.',
        NONDETERMINISTIC_EXIT_CODE,
      );
    }
    throw error;
  }
  console.log(`compatible: ${file} replays on ${workflowsPath}`);
  return 0;
}
