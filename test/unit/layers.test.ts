import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = join(__dirname, '../..');

async function fences(): Promise<{ layers: Linter.Config[]; config: Linter.Config[] }> {
  const { layers } = (await import(join(ROOT, 'eslint.layers.mjs'))) as { layers: Linter.Config[] };
  const { default: config } = (await import(join(ROOT, 'eslint.config.mjs'))) as { default: Linter.Config[] };
  return { layers, config };
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
    ['contract/ importing the configuration', 'contract/probe.ts', "import type { Config } from '../src/config';\nexport type C = Config;\n"],
    ['contract/ importing a workflow', 'contract/probe.ts', "export { enrichPost } from '../workflows/enrich-post';\n"],
    ['contract/ doing I/O', 'contract/probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
    ['contract/ reading the environment', 'contract/probe.ts', 'export const level = process.env.LOG_LEVEL;\n'],
    ['a workflow importing activity code, even as a type', 'workflows/probe.ts', "import type { ActivityDeps } from '../activities';\nexport type D = ActivityDeps;\n"],
    ['a workflow importing the receiver', 'workflows/probe.ts', "import type { StartEvent } from '../src/temporal/start-event';\nexport type S = StartEvent;\n"],
    ['a workflow importing a service library', 'workflows/probe.ts', "import OpenAI from 'openai';\nexport const o = OpenAI;\n"],
    ['an activity reading src/config', 'activities/probe.ts', "import { loadConfig } from '../src/config';\nexport const c = loadConfig;\n"],
    ['an activity importing a workflow', 'activities/probe.ts', "import { enrichPost } from '../workflows/enrich-post';\nexport const w = enrichPost;\n"],
    ['the receiver loading workflow code', 'src/http/probe.ts', "import { enrichPost } from '../../workflows';\nexport const w = enrichPost;\n"],
    ['the product importing tooling', 'src/temporal/probe.ts', "import { freePort } from '../../tools/cluster/free-port';\nexport const p = freePort;\n"],
    ['an activity importing test support, even as a type', 'activities/probe.ts', "import type { LlmStub } from '../tools/llm-stub';\nexport type L = LlmStub;\n"],
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
  });
});
