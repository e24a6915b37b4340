import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_MODEL_NAME, llamaServerPath, localModelPath } from '../../src/local-model/local-model';
import { spawnEntryPoint } from '../../tools/spawn-entry-point';
import { freePort } from './ports';

/** A real OpenAI-compatible inference server with a real model, for the real-model tests. */
export interface LlamaServer {
  /** `OPENAI_BASE_URL` for the relay. */
  readonly baseURL: string;
  /** `OPENAI_MODEL`: the alias the server answers to. */
  readonly model: string;
  /** The server's own log, for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts llama.cpp's llama-server on 127.0.0.1 on a free port with SmolLM2-135M-Instruct, both installed in the tools
 * directory by scripts/install-local-model.sh (npm test's set-up), and resolves once its /health answers 200, i.e.
 * once the model is loaded (or throws with its log's tail if it exits first). One slot (`--parallel 1`): requests
 * queue in the server, as on a small machine.
 */
export async function startLlamaServer(): Promise<LlamaServer> {
  const binary = llamaServerPath();
  const model = localModelPath();
  for (const path of [binary, model]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/install-local-model.sh\` (npm test's set-up does)`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-llama-'));
  const server = await spawnEntryPoint({
    entry: 'llama-server',
    command: [binary,
      '--model', model,
      '--alias', LOCAL_MODEL_NAME,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--ctx-size', '4096',
      '--parallel', '1',
      '--threads', '2',
      '--seed', '1',
      '--no-webui',
      '--offline',
    ],
    env: {},
    logFile: join(dir, 'llama-server.log'),
    // /health answers 503 while the model loads and 200 once it serves.
    ready: () => fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) }).then((res) => res.status === 200, () => false),
    // Loading the model takes seconds; the deadline only turns a hang into a message with the server's log.
    timeoutMs: 600_000,
    stopGraceMs: 10_000,
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model: LOCAL_MODEL_NAME,
    log: server.output,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
