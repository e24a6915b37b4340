import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes';
import { resolveTemporalCli, TemporalCliMissingError } from './temporal-cli';

export interface DevServerOptions {
  /** The `temporal` binary; found on PATH, or installed into the project, when unset (temporal-cli.ts). */
  readonly cliPath?: string | undefined;
  readonly ip?: string;
  readonly port: number;
  /** The Web UI's port; the UI is disabled (`--headless`) when unset. */
  readonly uiPort?: number | undefined;
  /** The Web UI's codec server (`--ui-codec-endpoint`), so it shows payloads decrypted, e.g. the receiver's /codec. */
  readonly uiCodecEndpoint?: string | undefined;
  /** SQLite file that keeps history across restarts; in memory when unset. */
  readonly dbFile?: string | undefined;
  /**
   * `PRAGMA=VALUE` statements for the SQLite file (`--sqlite-pragma`; the dev server takes journal_mode and
   * synchronous). Replaces the default, DEFAULT_SQLITE_PRAGMAS.
   */
  readonly sqlitePragmas?: readonly string[] | undefined;
  readonly namespace: string;
  /** Retention is the idempotency window: a key is refused for this long after its run closed. */
  readonly retentionDays: number;
  readonly readyTimeoutMs?: number;
  /** Aborting it (Ctrl-C during start-up) stops the server and rejects. */
  readonly signal?: AbortSignal | undefined;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | undefined;
  readonly process: ChildProcess;
  /** The `temporal` CLI that runs it; operators use the same one for `temporal workflow reset`. */
  readonly cli: string;
  stop(): Promise<void>;
}

/**
 * Write-ahead log instead of SQLite's default rollback journal. `synchronous` stays FULL, so every commit is still
 * fsynced before Temporal acknowledges it (a 202 stays durable through a power cut); what goes is the journal file
 * written, synced and deleted per transaction: a workflow start costs ~4 fsyncs instead of ~18 and about a third
 * less of the server's CPU (docs/performance.md). synchronous=NORMAL would save more, but commits made just before
 * a power cut could be lost after their 202, so it is not the default.
 */
export const DEFAULT_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=WAL'];

/**
 * `--dynamic-config-value` settings on top of the CLI's own. The CLI turns on
 * `system.forceSearchAttributesCacheRefreshOnRead` so a search attribute created at run time is seen at once;
 * that re-reads the cluster metadata from SQLite on every start (about four reads per start, in the frontend and
 * the history service), queued on the dev server's single SQLite connection with every commit. On SQLite a
 * search attribute lives in the namespace record (the cluster metadata only lists the pre-allocated fields, which
 * never change), so the forced re-read gains nothing here; the relay's attributes are registered at launch anyway.
 * Measured with the bench's embedded-default runs (docs/performance.md, "Levers"): the dev server's persistence calls per
 * accepted event 11.2 → 5.6–6.4; accepts per second +50–60 % in two of three side-by-side runs (the third was
 * swamped by the machine's neighbours).
 */
export const DEFAULT_DYNAMIC_CONFIG: readonly string[] = ['system.forceSearchAttributesCacheRefreshOnRead=false'];

/**
 * Runs `temporal server start-dev` with the relay's search attributes registered and the namespace's retention
 * raised from the dev default of 24 h, and resolves once the frontend answers.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const command = await resolveTemporalCli(options.cliPath);
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'error'];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  if (options.uiPort !== undefined && options.uiCodecEndpoint !== undefined) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile !== undefined) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
    for (const pragma of options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  for (const setting of DEFAULT_DYNAMIC_CONFIG) args.push('--dynamic-config-value', setting);
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? new TemporalCliMissingError(`${command} could not be run.`) : error),
    );
    child.once('exit', (code, signal) =>
      resolve(new Error(`temporal server start-dev exited (${signal ?? code}) before it was ready:\n${stderr}`)),
    );
  });

  const address = `${ip}:${options.port}`;
  const stop = () => stopProcess(child);
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (options.signal?.aborted) reject(options.signal.reason);
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
    });
    await Promise.race([
      waitUntilReady(address, options),
      exited.then((error) => Promise.reject(error)),
      aborted,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}`,
    process: child,
    cli: command,
    stop,
  };
}

async function waitUntilReady(address: string, options: DevServerOptions): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.updateNamespace({
          namespace: options.namespace,
          config: { workflowExecutionRetentionTtl: msToTs(`${options.retentionDays} days`) },
        });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal dev server at ${address} not ready: ${String(error)}`);
      await sleep(100);
    }
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(10_000, false, { ref: false })]);
  if (!killed) {
    child.kill('SIGKILL');
    await exited;
  }
}
