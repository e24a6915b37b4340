import { defineQuery, defineUpdate } from '@temporalio/workflow';

/** The memo key the receiver records TOKEN_BUDGET_PER_DAY under: a budget applies to runs started while it was set. */
export const TOKEN_BUDGET_MEMO = 'tokenBudgetPerDay';

/** Adds tokens to the day's count of a site and answers the new total (0 adds nothing: a read). */
export const spendTokensUpdate = defineUpdate<number, [number]>('spendTokens');
export const spentTokensQuery = defineQuery<number>('spent');

/** The run that counts a site's tokens of one UTC day (workflow type `tokenBudget`). */
export function tokenBudgetId(site: string, day: string): string {
  return `tokens:${day}@${site}`;
}

/** A site and the tokens it may spend per UTC day (TOKEN_BUDGET_PER_DAY). */
export interface TokenBudget {
  readonly site: string;
  readonly perDay: number;
}

export interface CheckTokenBudgetInput {
  readonly site: string;
  readonly budget: number;
}
/** `retryAt` null: the site may spend today; else when to look again (the next UTC day). */
export interface TokenBudgetCheck {
  readonly spent: number;
  readonly retryAt: string | null;
}
export interface RecordTokenSpendInput {
  readonly site: string;
  readonly tokens: number;
}
