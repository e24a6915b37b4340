import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, spawnLogged, stopChild } from '../../tools/cluster/child-process';
import { LOCAL_MODEL_NAME, llamaServerPath, localModelPath } from '../../src/local-model/local-model';
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
 * once the model is loaded. One slot (`--parallel 1`): requests queue in the server, as on a small machine.
 */
export async function startLlamaServer(): Promise<LlamaServer> {
  const binary = llamaServerPath();
  const model = localModelPath();
  for (const path of [binary, model]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/install-local-model.sh\` (npm test's set-up does)`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-llama-'));
  const logFile = join(dir, 'llama-server.log');
  const child = spawnLogged(binary, [
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
  ], logFile);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const baseURL = `http://127.0.0.1:${port}/v1`;
  try {
    await untilHealthy(`http://127.0.0.1:${port}/health`, () => isRunning(child));
  } catch (error) {
    const tail = log().split('\n').slice(-20).join('\n');
    await stop();
    throw new Error(`llama-server did not become healthy: ${(error as Error).message}\n${tail}`);
  }
  return { baseURL, model: LOCAL_MODEL_NAME, log, stop };
}

/** /health answers 503 while the model loads and 200 once it serves; the wait ends early if the process exits. */
async function untilHealthy(url: string, running: () => boolean): Promise<void> {
  for (;;) {
    if (!running()) throw new Error('it exited');
    const status = await fetch(url, { signal: AbortSignal.timeout(5000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
