import OpenAI from 'openai';
import type { Config } from '../src/config';
import { createClassifyCommentActivities } from './classify-comment';
import { createCommentActivities } from './comments';
import { createCrmActivities } from './crm';
import { CrmClient } from './crm-client';
import { createBatchActivities } from './batch';
import { MissingConfigError } from './failures';
import { createLeadScoringActivities } from './score-lead';
import { createSummarizeActivities } from './summarize';
import { createTokenBudgetActivities } from './token-budget';
import { WordPressClient } from './wordpress-client';
import { createWordPressActivities } from './wordpress';

export interface ActivityDeps {
  readonly config: Config;
  /** Injected by tests or the caller; built from config on first use otherwise. */
  readonly openai?: OpenAI;
  readonly wordpress?: WordPressClient;
  readonly crm?: CrmClient;
}

/**
 * All activities, wired to their clients. A client whose settings are missing is not built until an activity
 * needs it, so the worker still starts and the run fails with a MissingConfig error that says what to set.
 */
export function createActivities(deps: ActivityDeps) {
  const { config } = deps;
  let openai = deps.openai;
  let wordpress = deps.wordpress;
  let crm = deps.crm;
  const wordpressClient = () => (wordpress ??= WordPressClient.fromConfig(config.wordpress));
  const openaiClient = () => (openai ??= createOpenAI(config.openai));
  return {
    ...createWordPressActivities(wordpressClient),
    ...createBatchActivities(wordpressClient, config.automation),
    ...createSummarizeActivities(openaiClient, config.openai),
    ...createCommentActivities(wordpressClient),
    ...createClassifyCommentActivities(openaiClient, config),
    ...createLeadScoringActivities(openaiClient, config.openai),
    ...createCrmActivities(() => (crm ??= CrmClient.fromConfig(config.crm))),
    ...createTokenBudgetActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Temporal is the only retry loop, so the SDK does not retry; its timeout stays below the activity's. */
export function createOpenAI(openai: Config['openai']): OpenAI {
  if (!openai.apiKey) throw new MissingConfigError(['OPENAI_API_KEY']);
  return new OpenAI({
    apiKey: openai.apiKey,
    baseURL: openai.baseURL,
    maxRetries: 0,
    timeout: openai.timeoutMs,
  });
}
