import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectToolsDir } from '../../../src/temporal/temporal-cli';

const exec = promisify(execFile);

/** Building or installing a checker the first time on a loaded machine: generous, and only once per version. */
const INSTALL_TIMEOUT_MS = 600_000;

/** The Go toolchain the checker's go.mod names; the machine's module cache has it (it builds the Temporal server). */
const GO_TOOLCHAIN = 'go1.27.3';
const CHECK_MODULE = join(__dirname, '../../../deploy/check');
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
const TOOLS_DIR = projectToolsDir();

/**
 * Runs `install(partial)` into a fresh directory beside `dir`, then renames it into place, so concurrent test
 * processes see no tool or a whole one.
 */
async function installOnce(dir: string, what: string, install: (partial: string) => Promise<unknown>): Promise<string> {
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  await mkdir(partial, { recursive: true });
  try {
    await install(partial);
    await rename(partial, dir).catch(() => {
      if (!existsSync(dir)) throw new Error(`could not move ${partial} to ${dir}`);
    });
  } catch (error) {
    throw new Error(`installing ${what} into ${dir} failed: ${(error as { stderr?: string }).stderr || (error as Error).message}`);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return dir;
}

/**
 * deploy/check/compose-config, built with Compose's own loader (compose-go) into .tools once per version of its
 * source, so a change to the checker or its pinned loader builds a new one.
 */
export async function composeConfigBinary(): Promise<string> {
  const key = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'compose-config/main.go']) key.update(readFileSync(join(CHECK_MODULE, file)));
  const dir = join(TOOLS_DIR, `compose-config-${key.digest('hex').slice(0, 12)}`);
  await installOnce(dir, 'the compose-config checker', (partial) =>
    exec('go', ['build', '-o', join(partial, 'compose-config'), './compose-config'], {
      cwd: CHECK_MODULE,
      env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: '-mod=readonly' },
      timeout: INSTALL_TIMEOUT_MS,
    }),
  );
  return join(dir, 'compose-config');
}

/** PyPI's kubernetes-validate (it ships the Kubernetes JSON schemas), installed into .tools with pip --target. */
export async function kubernetesValidatePath(): Promise<string> {
  return installOnce(join(TOOLS_DIR, `kubernetes-validate-${KUBERNETES_VALIDATE_VERSION}`), 'kubernetes-validate', (partial) =>
    exec('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', partial, `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`], {
      timeout: INSTALL_TIMEOUT_MS,
    }),
  );
}

/** KEDA's module (its CRDs and scalers' sources) from the Go module proxy, for checking the worker's ScaledObject. */
export const KEDA_VERSION = 'v2.18.3';

export async function kedaModuleDir(): Promise<string> {
  // Outside any module, so no go.mod is touched; the module cache keeps it for the next run.
  const { stdout } = await exec('go', ['mod', 'download', '-json', `github.com/kedacore/keda/v2@${KEDA_VERSION}`], {
    cwd: tmpdir(),
    env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: '' },
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 16 << 20,
  });
  return (JSON.parse(stdout) as { Dir: string }).Dir;
}
