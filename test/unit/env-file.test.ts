import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { CONFIG_VARIABLES } from '../../src/config/config';
import { ROOT, runCommand } from '../ops/helpers/cli';

/** tsx's loader by path: the working directory is a temp directory without node_modules. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('.env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const relay = (env: Record<string, string> = {}) => runCommand(process.execPath, ['--import', TSX, join(ROOT, 'src/cli.ts'), 'check'], env, dir);

  it('is read from the working directory, and a variable set in the environment wins over it', async () => {
    writeFileSync(join(dir, '.env'), 'PORT=abc\n');
    const fromFile = await relay();
    assert.match(fromFile.stderr, /PORT must be a port number \(0-65535\), not "abc"/);
    const overridden = await relay({ PORT: '8001' });
    assert.doesNotMatch(overridden.stderr + overridden.stdout, /PORT must/);
    assert.match(overridden.stdout, /FAIL {2}missing configuration: set OPENAI_API_KEY/);
  });

  it('.env.example documents every variable the relay reads', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const missing = CONFIG_VARIABLES.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    assert.deepEqual(missing, []);
  });
});
