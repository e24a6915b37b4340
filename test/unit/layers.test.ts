import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = join(__dirname, '../..');

async function fences(): Promise<{ layers: Linter.Config[]; config: Linter.Config[]; srcFolders: string[] }> {
  const { layers, SRC_FOLDERS } = (await import(join(ROOT, 'eslint.layers.mjs'))) as { layers: Linter.Config[]; SRC_FOLDERS: string[] };
  const { default: config } = (await import(join(ROOT, 'eslint.config.mjs'))) as { default: Linter.Config[] };
  return { layers, config, srcFolders: SRC_FOLDERS };
}

/** The rule ids ESLint reports for `code` as if it were the file at `path` (relative to the repository). */
async function violations(path: string, code: string): Promise<string[]> {
  const { layers } = await fences();
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser }, plugins: { '@typescript-eslint': tseslint.plugin as never } },
      ...layers,
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the layers lint enforces', () => {
  it('npm run lint applies the layer rules', async () => {
    const { layers, config } = await fences();
    for (const layer of layers) assert.ok(config.includes(layer), 'eslint.config.mjs spreads every entry of eslint.layers.mjs');
  });

  const upward: [string, string, string][] = [
    ['contract/ importing the configuration', 'contract/probe.ts', "import type { Config } from '../src/config/config';\nexport type C = Config;\n"],
    ['contract/ importing a workflow', 'contract/probe.ts', "export { enrichPost } from '../workflows/enrich-post';\n"],
    ['contract/ doing I/O', 'contract/probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
    ['contract/ reading the environment', 'contract/probe.ts', 'export const level = process.env.LOG_LEVEL;\n'],
    ['a workflow importing activity code, even as a type', 'workflows/probe.ts', "import type { ActivityDeps } from '../activities';\nexport type D = ActivityDeps;\n"],
    ['a workflow importing the receiver', 'workflows/probe.ts', "import type { StartEvent } from '../src/temporal/start-event';\nexport type S = StartEvent;\n"],
    ['a workflow importing a service library', 'workflows/probe.ts', "import OpenAI from 'openai';\nexport const o = OpenAI;\n"],
    ['an activity reading src/config', 'activities/probe.ts', "import { loadConfig } from '../src/config/config';\nexport const c = loadConfig;\n"],
    ['an activity importing a workflow', 'activities/probe.ts', "import { enrichPost } from '../workflows/enrich-post';\nexport const w = enrichPost;\n"],
    ['the receiver loading workflow code', 'src/http/probe.ts', "import { enrichPost } from '../../workflows';\nexport const w = enrichPost;\n"],
    ['the product importing tooling', 'src/temporal/probe.ts', "import { freePort } from '../../tools/cluster/free-port';\nexport const p = freePort;\n"],
    ['an activity importing test support, even as a type', 'activities/probe.ts', "import type { LlmStub } from '../test/support/llm-stub';\nexport type L = LlmStub;\n"],
    ['the configuration importing a folder above it, even as a type', 'src/config/probe.ts', "import type { Logger } from '../logging/logger';\nexport type L = Logger;\n"],
    ['the Temporal helpers importing the HTTP app (a cycle: http/ imports temporal/)', 'src/temporal/probe.ts', "import { createApp } from '../http/app';\nexport const a = createApp;\n"],
    ['the webhook verifier importing the CLI', 'src/webhooks/probe.ts', "import { sendCommand } from '../cli/send';\nexport const s = sendCommand;\n"],
    ['a folder of src/ importing an entry point', 'src/http/probe.ts', "import '../receiver';\n"],
    ['src/ running workflow code from a folder', 'src/cli/probe.ts', "import { enrichPost } from '../../workflows';\nexport const w = enrichPost;\n"],
  ];
  for (const [what, path, code] of upward) {
    it(`fails ${what}`, async () => {
      const found = await violations(path, code);
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0]!, /^(@typescript-eslint\/no-restricted-imports|no-restricted-globals): /);
    });
  }

  it('lets each layer import the layers below it', async () => {
    assert.deepEqual(await violations('contract/probe.ts', "import { z } from 'zod';\nexport const s = z.string();\n"), []);
    assert.deepEqual(
      await violations('workflows/probe.ts', "import { proxyActivities } from '@temporalio/workflow';\nimport type { Activities } from '../contract/activities';\nexport const a = proxyActivities<Activities>({ startToCloseTimeout: 1 });\n"),
      [],
    );
    assert.deepEqual(await violations('activities/probe.ts', "import { stripHtml } from '../contract/sanitize';\nexport const s = stripHtml;\n"), []);
    assert.deepEqual(await violations('src/http/probe.ts', "import type { enrichPost } from '../../workflows';\nexport type W = typeof enrichPost;\n"), []);
    assert.deepEqual(await violations('src/http/probe.ts', "import { startEvent } from '../temporal/start-event';\nexport const s = startEvent;\n"), []);
    assert.deepEqual(await violations('src/temporal/probe.ts', "import type { Config } from '../config/config';\nexport type C = Config;\n"), []);
    assert.deepEqual(await violations('src/main.ts', "import { createApp } from './http/app';\nexport const a = createApp;\n"), [], 'an entry point imports any folder');
  });

  it('places every folder of src/ in the order its imports must follow', async () => {
    const { srcFolders } = await fences();
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    assert.deepEqual([...folders].sort(), [...srcFolders].sort(), 'a new folder of src/ gets its place in SRC_FOLDERS (eslint.layers.mjs)');
  });
});
