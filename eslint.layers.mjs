// @ts-check
/**
 * The layers, bottom to top: contract/ (what every layer shares; no I/O, no configuration) → workflows/ (contract
 * and @temporalio/workflow only) and activities/ (contract and their own clients) → src/ (the receiver, the
 * worker and the CLI, which read the configuration and wire the rest), whose folders are layered in turn
 * (SRC_FOLDERS). An import that points up a layer is an error. Kept apart from eslint.config.mjs so
 * test/unit/layers.test.ts lints snippets against these rules alone.
 */

/** Node modules that do I/O or read the machine's state: never in the bottom layer. */
const NODE_IO = ['fs', 'fs/*', 'net', 'http', 'https', 'http2', 'dns', 'os', 'child_process', 'worker_threads', 'cluster', 'dgram', 'tls', 'readline'];

/** Tooling: built and published with none of the layers, so the product never imports it, not even as a type. */
const TOOLING = { regex: '^(\\.\\./)+(tools|bench|test)(/|$)', message: 'Product code never imports tools/, bench/ or test/: they are not built or published.' };

/** src/ names workflows by type only: the receiver and the CLI start them, they never run their code. */
const WORKFLOW_TYPES = { regex: '^(\\.\\./)+workflows(/|$)', allowTypeImports: true, message: 'src/ imports workflows/ as types only.' };

/**
 * src/'s folders, bottom to top: each imports only folders before it in this list (and contract/), so the arrows
 * between them point one way and no two folders import each other. The files at src/'s top (main.ts, receiver.ts,
 * worker.ts, cli.ts) are the entry points: they wire every folder, and no folder imports them.
 * test/unit/layers.test.ts checks that every folder of src/ is listed here.
 */
export const SRC_FOLDERS = ['codec', 'errors', 'config', 'tracing', 'logging', 'tools-dir', 'temporal', 'startup', 'local-model', 'webhooks', 'eval', 'http', 'cli'];

/** One folder of src/: no import of a folder after it in SRC_FOLDERS, nor of an entry point. */
function srcFolderFence(folder, index) {
  const above = SRC_FOLDERS.slice(index + 1);
  const below = SRC_FOLDERS.slice(0, index);
  const upward = {
    regex: `^\\.\\./(${above.join('|')})(/|$)`,
    message: `src/${folder}/ imports only the src/ folders below it (${below.join(', ') || 'none'}; the order is SRC_FOLDERS in eslint.layers.mjs): move what both need down, or pass it in.`,
  };
  const entryPoint = { regex: '^\\.\\./[^./][^/]*$', message: "A folder of src/ never imports a file at src/'s top: those are the entry points, which import the folders." };
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [WORKFLOW_TYPES, TOOLING, entryPoint, ...(above.length ? [upward] : [])] }],
    },
  };
}

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
    // Every file of src/; each folder's fence repeats these two, as a later entry's options replace an earlier one's.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [WORKFLOW_TYPES, TOOLING] }] },
  },
  ...SRC_FOLDERS.map(srcFolderFence),
];
