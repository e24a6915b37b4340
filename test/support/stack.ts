import { loadConfig } from '../../src/config/config';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, type Relay } from './relay';
import { startTestTemporal, type TestTemporal } from './temporal';
import { startWordPress, type WordPress, type WordPressOptions } from '../../tools/wordpress';

export interface StackOptions {
  /** More environment for the relay (secrets, timeouts); it may override the wiring to WordPress and the LLM. */
  readonly relayEnv?: Record<string, string>;
  readonly wordpress?: WordPressOptions;
  /** The stack's Temporal dev server; `ui: true` also serves the Web UI. */
  readonly temporal?: { ui?: boolean };
}

/** Everything a run of enrichPost touches, all real and wired together. */
export interface Stack {
  readonly temporal: TestTemporal;
  readonly wp: WordPress;
  readonly llm: LlmStub;
  readonly relay: Relay;
  stop(): Promise<void>;
}

/**
 * A Temporal dev server, a WordPress with the plugin (which registers the summary meta), the stand-in LLM, and
 * the relay (receiver + worker) pointed at that LLM and writing back to that WordPress as its admin. The plugin
 * itself is left unconfigured: tests that want its events set its endpoint to `${relay.url}/webhooks/wp`.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Settled, not Promise.all: when one part fails to start, the others are stopped rather than left running.
  const [temporal, wp, llm] = await Promise.allSettled([startTestTemporal(options.temporal), startWordPress(options.wordpress), startLlmStub()]);
  const stopParts = () =>
    Promise.all([
      llm.status === 'fulfilled' && llm.value.close(),
      wp.status === 'fulfilled' && wp.value.stop(),
      temporal.status === 'fulfilled' && temporal.value.stop(),
    ]);
  if (temporal.status === 'rejected' || wp.status === 'rejected' || llm.status === 'rejected') {
    await stopParts();
    throw [temporal, wp, llm].flatMap((part) => (part.status === 'rejected' ? [part.reason as unknown] : []))[0];
  }
  const relay = await startRelay({
    temporal: temporal.value,
    env: {
      OPENAI_BASE_URL: llm.value.baseURL,
      // The stand-in's keyword rules stand for a model whose spam precision was measured, so the automatic-Spam
      // path runs; the default policy (spam held for a human) is tested in test/unit/moderation.test.ts and
      // against a real model in test/e2e/real-model.test.ts.
      MODERATION_AUTO_SPAM: 'true',
      MODERATION_SPAM_PRECISION: '1',
      MODERATION_SPAM_PRECISION_MODEL: loadConfig({}).openai.model,
      WP_BASE_URL: wp.value.baseUrl,
      // A network's sites, each at its own address: the relay writes each event's results back to its own site.
      ...(options.wordpress?.network
        ? { WP_SITES: [wp.value.baseUrl, ...options.wordpress.network.sites.map((path) => `${wp.value.baseUrl}/${path}`)].join(',') }
        : {}),
      WP_USERNAME: wp.value.adminUser,
      WP_APP_PASSWORD: wp.value.appPassword,
      ...options.relayEnv,
    },
  }).catch(async (error: unknown) => {
    await stopParts();
    throw error;
  });
  return {
    temporal: temporal.value,
    wp: wp.value,
    llm: llm.value,
    relay,
    async stop() {
      await relay.stop();
      await stopParts();
    },
  };
}
