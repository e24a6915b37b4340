import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';

const ROOT = join(__dirname, '..', '..');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'wp-ai-relay');
/** Every folder the workflow code may import from (more than it does: a stale bundle would test old code). */
const SOURCES = ['workflows', 'contract', 'src', 'activities'];

let bundle: Promise<WorkflowBundle> | undefined;

/**
 * The workflow bundle, built once per test process; and once per change of the sources, since webpack takes
 * seconds per test file: the bundle is kept under node_modules/.cache, named by a hash of every source file it may
 * include and of package-lock.json, so a changed file or package makes a new one.
 */
export function workflowBundle(): Promise<WorkflowBundle> {
  return (bundle ??= cachedBundle());
}

async function cachedBundle(): Promise<WorkflowBundle> {
  const name = `workflows-${sourceHash()}.js`;
  const file = join(CACHE_DIR, name);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written whole, then renamed: test files bundling at the same moment never read half a bundle.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  for (const old of readdirSync(CACHE_DIR)) {
    if (old.startsWith('workflows-') && old.endsWith('.js') && old !== name) rmSync(join(CACHE_DIR, old), { force: true });
  }
  return { code };
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else hash.update(`${relative(ROOT, path)}\0`).update(readFileSync(path));
    }
  };
  for (const dir of SOURCES) if (existsSync(join(ROOT, dir))) visit(join(ROOT, dir));
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (message: string) => console.error(message),
};
