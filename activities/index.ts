import OpenAI from 'openai';
import type { Activities } from '../contract/activities';
import { createClassifyCommentActivities } from './classify-comment';
import { createCommentActivities } from './comments';
import { createCrmActivities } from './crm';
import { CrmClient } from './crm-client';
import { createBatchActivities } from './batch';
import { MissingConfigError } from './failures';
import { createLeadScoringActivities } from './score-lead';
import type { ActivitySettings } from './settings';
import { createSummarizeActivities } from './summarize';
import { createTokenBudgetActivities } from './token-budget';
import { WordPressClient } from './wordpress-client';
import { createWordPressActivities } from './wordpress';

export interface ActivityDeps {
  readonly settings: ActivitySettings;
  /** Injected by tests or the caller; built from the settings on first use otherwise. */
  readonly openai?: OpenAI;
  readonly wordpress?: WordPressClient;
  readonly crm?: CrmClient;
}

/**
 * All activities, wired to their clients. A client whose settings are missing is not built until an activity
 * needs it, so the worker still starts and the run fails with a MissingConfig error that says what to set.
 */
export function createActivities(deps: ActivityDeps): Activities {
  const { settings } = deps;
  let openai = deps.openai;
  let crm = deps.crm;
  // One client per site a run names (WP_SITES), or the one of WP_BASE_URL; a test's injected client serves all.
  const wordpress = new Map<string | undefined, WordPressClient>();
  const wordpressClient = (site?: string) => {
    const client = deps.wordpress ?? wordpress.get(site) ?? WordPressClient.fromConfig(settings.wordpress, site);
    wordpress.set(site, client);
    return client;
  };
  const openaiClient = () => (openai ??= createOpenAI(settings.openai));
  return {
    ...createWordPressActivities(wordpressClient),
    ...createBatchActivities(wordpressClient, settings.automation),
    ...createSummarizeActivities(openaiClient, settings.openai),
    ...createCommentActivities(wordpressClient),
    ...createClassifyCommentActivities(openaiClient, settings),
    ...createLeadScoringActivities(openaiClient, settings.openai),
    ...createCrmActivities(() => (crm ??= CrmClient.fromConfig(settings.crm))),
    ...createTokenBudgetActivities(),
  };
}

/** Temporal is the only retry loop, so the SDK does not retry; its timeout stays below the activity's. */
export function createOpenAI(openai: ActivitySettings['openai']): OpenAI {
  if (!openai.apiKey) throw new MissingConfigError(['OPENAI_API_KEY']);
  return new OpenAI({
    apiKey: openai.apiKey,
    baseURL: openai.baseURL,
    maxRetries: 0,
    timeout: openai.timeoutMs,
  });
}
