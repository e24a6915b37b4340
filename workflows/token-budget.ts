import { allHandlersFinished, condition, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LlmCall } from '../contract/llm-usage';
import { spendTokensUpdate, spentTokensQuery, TOKEN_BUDGET_MEMO } from '../contract/token-budget';
import { wordpressActivityOptions } from './activity-options';
import { withRunGiveUp } from './run-give-up';

/** The tokens a site has spent on one UTC day: one run per site and day (`tokenBudgetId`), fed by updates. */
export async function tokenBudget(endsAt: string): Promise<number> {
  let spent = 0;
  setHandler(spendTokensUpdate, (tokens) => (spent += tokens));
  setHandler(spentTokensQuery, () => spent);
  // Kept open past its day so late records still land; then closes with its total once no update is in flight.
  await sleep(Math.max(0, Date.parse(endsAt) - Date.now()));
  await condition(allHandlersFinished);
  return spent;
}

/** The token budget of this run, when it was started with one. */
export function runTokenBudget(): number | undefined {
  const budget = workflowInfo().memo?.[TOKEN_BUDGET_MEMO];
  return typeof budget === 'number' && budget > 0 ? budget : undefined;
}

const service = () => proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));

/**
 * Before an AI step: with a daily token budget and the site past it for today, wait (a durable timer) until the
 * next UTC day and look again, instead of spending or failing. Runs without a budget schedule nothing here, so
 * their histories are those of before the budget existed; the patch marks the histories that may.
 */
export async function awaitTokenBudget(site: string): Promise<void> {
  const budget = runTokenBudget();
  if (budget === undefined || !patched('daily-token-budget')) return;
  for (;;) {
    const { retryAt } = await service().checkTokenBudget({ site, budget });
    if (retryAt === null) return;
    await sleep(Math.max(1000, Date.parse(retryAt) - Date.now()));
  }
}

/** After an AI step: counts its tokens against the site's day, when the run has a budget. */
export async function recordTokenSpend(site: string, llm: LlmCall | undefined): Promise<void> {
  if (runTokenBudget() === undefined || llm === undefined || !patched('daily-token-budget')) return;
  await service().recordTokenSpend({ site, tokens: llm.totalTokens });
}
