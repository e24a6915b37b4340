import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LlmCall } from '../contract/llm-usage';
import type { LeadSubmitted } from '../src/webhooks/events';
import { llmActivityOptions, wordpressActivityOptions } from './activity-options';
import { withRunGiveUp } from './run-give-up';
import { awaitTokenBudget, recordTokenSpend } from './token-budget';

export interface EnrichLeadResult {
  readonly outcome: 'delivered' | 'already_delivered';
  readonly leadId: string;
  readonly idempotencyKey: string;
  readonly score: number;
  readonly intent: string;
  readonly stage: string;
  /** The prompt version and tokens of the score; absent from runs recorded before they were kept. */
  readonly llm?: LlmCall;
}

/** The CRM's Idempotency-Key: the event's key, so attempts, re-sent events and resets all name one record. */
export function crmIdempotencyKey(eventKey: string): string {
  return `crm:${eventKey}`;
}

/**
 * lead.submitted → normalise the fields, score the lead with the LLM, deliver it to the CRM once. The lead's
 * data travels encrypted in the history (the payload codec); the result holds no personal data.
 */
export async function enrichLead(event: LeadSubmitted): Promise<EnrichLeadResult> {
  // Normalising and the CRM are short HTTP-or-less steps with the same budget as the WordPress calls.
  const service = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));
  const llm = proxyActivities<Activities>(withRunGiveUp(llmActivityOptions));
  const lead = await service.normalizeLead(event);
  await awaitTokenBudget(event.site);
  const score = await llm.scoreLead(lead);
  await recordTokenSpend(event.site, score.llm);
  const { workflowId, runId } = workflowInfo();
  const idempotencyKey = crmIdempotencyKey(event.idempotency_key);
  const answer = await service.deliverLead({ idempotencyKey, lead, score, run: `${workflowId}/${runId}` });
  return {
    outcome: answer.outcome,
    leadId: lead.leadId,
    idempotencyKey,
    score: score.score,
    intent: score.intent,
    stage: score.stage,
    ...(score.llm ? { llm: score.llm } : {}),
  };
}
