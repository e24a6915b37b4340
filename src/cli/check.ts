import { parseArgs } from 'node:util';
import { createOpenAI } from '../../activities';
import { classifyFailure, originOf, serviceAt } from '../../activities/failures';
import { WordPressClient } from '../../activities/wordpress-client';
import { loadConfig } from '../config/config';
import { refuseArguments } from './arguments';

export const usage = 'wp-ai-relay check   (probes OPENAI_BASE_URL and WP_BASE_URL, or each site of WP_SITES, with the configured credentials)';

interface Probe {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * A wrong URL or credential is visible before the first run: the LLM is asked for its model list, WordPress for the
 * configured user (which needs the Application Password to work). Each failure is worded as a run's would be.
 * Exits 1 when any probe fails.
 */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  refuseArguments(positionals, usage);
  const config = loadConfig();
  const probes: Probe[] = [
    {
      name: serviceAt('LLM', originOf(config.openai.baseURL ?? 'https://api.openai.com/v1')),
      async run() {
        const openai = createOpenAI(config.openai);
        try {
          await openai.models.list();
        } catch (error) {
          throw classifyFailure('LLM', error, { origin: originOf(openai.baseURL) });
        }
      },
    },
    // Each site of WP_SITES, or the one of WP_BASE_URL.
    ...Object.entries(config.wordpress.sites ?? { '': config.wordpress.baseUrl }).map(([site, baseUrl]) => ({
      name: serviceAt('WordPress', originOf(baseUrl)) + (site === '' ? '' : ` for ${site}`),
      async run() {
        await WordPressClient.fromConfig(config.wordpress, site === '' ? undefined : site).request('GET', 'wp/v2/users/me?context=edit');
      },
    })),
  ];
  let failed = 0;
  for (const probe of probes) {
    try {
      await probe.run();
      console.log(`ok    ${probe.name}`);
    } catch (error) {
      failed += 1;
      const classified = classifyFailure(probe.name.startsWith('LLM') ? 'LLM' : 'WordPress', error);
      console.log(`FAIL  ${(classified as Error).message ?? String(classified)}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
