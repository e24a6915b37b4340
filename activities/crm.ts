import type { LeadSubmitted } from '../contract/events';
import { leadFormOf, type CrmAnswer, type DeliverLeadInput, type LeadForm, type NormalizedLead } from '../contract/leads';
import type { CrmClient } from './crm-client';
import { classifyFailure } from './failures';
import { normalizeLead } from './normalize-lead';

/** What the CRM receives: the contact, the message, the score, and where it came from. */
export function crmRecord(input: DeliverLeadInput) {
  const { lead, score } = input;
  return {
    idempotency_key: input.idempotencyKey,
    lead_id: lead.leadId,
    site: lead.site,
    submitted_at: lead.submittedAt,
    source: lead.source,
    contact: { email: lead.email, domain: lead.domain, free_mail: lead.freeMail, name: lead.name, company: lead.company },
    message: lead.message,
    fields: lead.otherFields,
    score: { intent: score.intent, score: score.score, summary: score.summary, stage: score.stage },
    relay_run: input.run,
  };
}
export type CrmRecord = ReturnType<typeof crmRecord>;

export function createCrmActivities(crm: () => CrmClient) {
  return {
    /** Attempts scheduled before enrichLead took an input of its own were given the lead.submitted event. */
    async normalizeLead(lead: LeadForm | LeadSubmitted): Promise<NormalizedLead> {
      return normalizeLead('event' in lead ? leadFormOf(lead) : lead);
    },

    /** One signed POST; 2xx and 409 (already have it) end the delivery, other 4xx fail the run, the rest retry. */
    async deliverLead(input: DeliverLeadInput): Promise<CrmAnswer> {
      try {
        return await crm().deliver(input.idempotencyKey, crmRecord(input));
      } catch (error) {
        throw classifyFailure('CRM', error);
      }
    },
  };
}
