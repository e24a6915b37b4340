import { allHandlersFinished, condition, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import { wordpressActivityOptions } from '../contract/activity-options';
import type { LlmCall } from '../contract/llm-call';
import { spendTokensUpdate, spentTokensQuery, TOKEN_BUDGET_MEMO, type TokenBudget } from '../contract/token-budget';
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

/** The site's budget for this run's AI steps, when the run was started with one (the receiver's memo). */
export function siteBudget(site: string): TokenBudget | undefined {
  const perDay = workflowInfo().memo?.[TOKEN_BUDGET_MEMO];
  return typeof perDay === 'number' && perDay > 0 ? { site, perDay } : undefined;
}

/** A summary child's share: a child does not inherit its parent's memo, so the budget travels in its input. */
export function budgetOf(site: string): { tokenBudget?: TokenBudget } {
  const budget = siteBudget(site);
  return budget === undefined ? {} : { tokenBudget: budget };
}

const service = () => proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));

/**
 * Before an AI step: with a daily token budget and the site past it for today, wait (a durable timer) until the
 * next UTC day and look again, instead of spending or failing. Runs without a budget schedule nothing here, so
 * their histories are those of before the budget existed; the patch marks the histories that may.
 */
export async function awaitTokenBudget(budget: TokenBudget | undefined): Promise<void> {
  if (budget === undefined || !patched('daily-token-budget')) return;
  for (;;) {
    const { retryAt } = await service().checkTokenBudget({ site: budget.site, budget: budget.perDay });
    if (retryAt === null) return;
    await sleep(Math.max(1000, Date.parse(retryAt) - Date.now()));
  }
}

/** After an AI step: counts its tokens against the site's day, when the run has a budget. */
export async function recordTokenSpend(budget: TokenBudget | undefined, llm: LlmCall | undefined): Promise<void> {
  if (budget === undefined || llm === undefined || !patched('daily-token-budget')) return;
  await service().recordTokenSpend({ site: budget.site, tokens: llm.totalTokens });
}
