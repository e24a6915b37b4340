// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layers } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', '.scratch/', 'wordpress-plugin/', 'docs/', '.tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Temporal and Koa are promise-heavy; a dropped promise is a lost error or an unawaited start.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test reports a test's failure itself; its describe/it promises need no await.
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain CommonJS scripts (preloads given to `node --require`).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed in Temporal's sandbox: it must stay deterministic, so no timers, I/O or process
    // of its own (what it may import is fenced in eslint.layers.mjs).
    files: ['workflows/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process'] },
  },
  {
    // The bench and the tests share tools/; the bench never reaches into test/ (test/support may import tools/).
    files: ['bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+test(/|$)', message: 'bench/ does not import test/: what both need lives in tools/.' }] },
      ],
    },
  },
  ...layers,
);
