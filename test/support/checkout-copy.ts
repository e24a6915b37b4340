import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** What a clone does not have (.gitignore): installs, builds, local state, the developer's own `.env`. */
const NOT_IN_A_CLONE = new Set(['node_modules', 'dist', '.git', '.data', '.env', '.scratch', '.tools', 'test-results']);

export interface CheckoutCopy {
  readonly dir: string;
  remove(): void;
}

/**
 * This working tree as a fresh clone has it, in a temp directory, with this checkout's node_modules linked in (an
 * `npm ci` already done). Commands run there build and keep state there (dist/, .data/, .env), never in the
 * checkout the other tests use.
 */
export function copyOfCheckout(): CheckoutCopy {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-clone-'));
  cpSync(ROOT, dir, { recursive: true, filter: (source) => source === ROOT || !NOT_IN_A_CLONE.has(basename(source)) });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
