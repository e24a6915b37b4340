import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import { llmActivityOptions, wordpressActivityOptions } from '../contract/activity-options';
import type { LeadSubmitted } from '../contract/events';
import { crmIdempotencyKey, enrichLeadInputOf, type EnrichLeadInput, type EnrichLeadResult } from '../contract/leads';
import { withRunGiveUp } from './run-give-up';
import { awaitTokenBudget, recordTokenSpend, siteBudget } from './token-budget';

/**
 * lead.submitted → normalise the fields, score the lead with the LLM, deliver it to the CRM once. The lead's
 * data travels encrypted in the history (the payload codec); the result holds no personal data.
 */
export async function enrichLead(input: EnrichLeadInput | LeadSubmitted): Promise<EnrichLeadResult> {
  // Runs started before enrichLead took an input of its own were given the lead.submitted event; which shape a
  // run has is fixed by its first history event, and no command depends on it, so no patch is needed.
  const { eventKey, lead: form } = 'event' in input ? enrichLeadInputOf(input) : input;
  // Normalising and the CRM are short HTTP-or-less steps with the same budget as the WordPress calls.
  const service = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions));
  const llm = proxyActivities<Activities>(withRunGiveUp(llmActivityOptions));
  const lead = await service.normalizeLead(form);
  const budget = siteBudget(form.site);
  await awaitTokenBudget(budget);
  const score = await llm.scoreLead(lead);
  await recordTokenSpend(budget, score.llm);
  const { workflowId, runId } = workflowInfo();
  const idempotencyKey = crmIdempotencyKey(eventKey);
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
