// @ts-check
/**
 * The layers, bottom to top: contract/ (what every layer shares; no I/O, no configuration) → workflows/ (contract
 * and @temporalio/workflow only) and activities/ (contract and their own clients) → src/ (the receiver, the
 * worker and the CLI, which read the configuration and wire the rest). An import that points up a layer is an
 * error. Kept apart from eslint.config.mjs so test/unit/layers.test.ts lints snippets against these rules alone.
 */

/** Node modules that do I/O or read the machine's state: never in the bottom layer. */
const NODE_IO = ['fs', 'fs/*', 'net', 'http', 'https', 'http2', 'dns', 'os', 'child_process', 'worker_threads', 'cluster', 'dgram', 'tls', 'readline'];

/** Tooling: built and published with none of the layers, so the product never imports it, not even as a type. */
const TOOLING = { regex: '^(\\.\\./)+(tools|bench|test)(/|$)', message: 'Product code never imports tools/, bench/ or test/: they are not built or published.' };

/** Every layer's fence; `files` is the layer, `upward` the folders of ours it may not import. */
const fence = (files, upward, message, extra = []) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ regex: `^(\\.\\./)+(${upward.join('|')})(/|$)`, message }, TOOLING, ...extra] },
    ],
  },
});

export const layers = [
  {
    ...fence(['contract/**/*.ts'], ['src', 'workflows', 'activities'], 'contract/ is the bottom layer: it imports nothing of ours.', [
      { group: NODE_IO.flatMap((name) => [name, `node:${name}`]), message: 'contract/ does no I/O: it is shared vocabulary, not a service.' },
    ]),
  },
  // Configuration is read once, at the top (src/config/config.ts), and passed down.
  { files: ['contract/**/*.ts'], rules: { 'no-restricted-globals': ['error', 'process', 'fetch'] } },
  fence(['workflows/**/*.ts'], ['src', 'activities'], 'Workflows import contract/ only (activities through the Activities interface there).', [
    // @temporalio/common is what @temporalio/workflow is built on (its errors, Duration); nothing else is bundled.
    { regex: '^(?!@temporalio/(workflow|common)$|\\.)', message: 'Workflow code imports @temporalio/workflow and contract/ only: it is replayed in a sandbox.' },
  ]),
  fence(['activities/**/*.ts'], ['src', 'workflows'], 'Activities import contract/ only; their configuration comes in createActivities(deps).'),
  {
    // The receiver and the CLI name workflows by type only: they start them, they never run their code.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+workflows(/|$)', allowTypeImports: true, message: 'src/ imports workflows/ as types only.' }, TOOLING] },
      ],
    },
  },
];
