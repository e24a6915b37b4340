import { spawn } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { resolveTemporalCli } from '../../../src/temporal/temporal-cli';

export const ROOT = join(__dirname, '..', '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that runs longer than this is killed, so a hang fails its test instead of stalling the suite. */
const COMMAND_TIMEOUT_MS = 120_000;

/**
 * Runs a command line the way an operator would, in its own process with only the environment given (so the
 * machine's own TEMPORAL_* variables never leak in), and collects its output. `temporal` on its PATH is the CLI
 * the relay itself runs (temporal-cli.ts), wherever that was found or installed.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  /** The hang guard; a command that does real work for minutes (a model answering) raises it. */
  timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<CliResult> {
  const temporalDir = dirname(await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: [temporalDir, process.env.PATH ?? ''].join(delimiter), HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ').slice(0, 200)} did not finish in ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) => (clearTimeout(timer), reject(error)));
    child.once('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** `wp-ai-relay <args>` from the sources (`npm run relay -- <args>` without npm's own output). */
export function runRelayCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<CliResult> {
  return runCommand(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], env, ROOT, timeoutMs);
}
