import { z } from 'zod';
import freeMail from './data/free-mail-domains.json';
import type { LeadForm, NormalizedLead } from '../contract/leads';

/** Domains of consumer mail providers, shipped as data: such a domain says nothing about the lead's company. */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(freeMail.domains);

/** The form fields the plugin's field mapping fills in; anything else a form sends is kept as `otherFields`. */
export const LEAD_FIELDS = ['email', 'name', 'company', 'message'] as const;

const emailSchema = z.email();

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * The lead as the CRM and the LLM see it: the mapped fields by name, the e-mail lower-cased and checked, its
 * domain, and whether that domain is a free-mail provider's. A form without the mapped `email` field still
 * counts if another field's name says it is one (`your-email`, `E-Mail`).
 */
export function normalizeLead(form: LeadForm): NormalizedLead {
  const fields = form.fields;
  const emailKey = 'email' in fields ? 'email' : Object.keys(fields).find((key) => /e-?mail/i.test(key));
  const candidate = emailKey === undefined ? undefined : fields[emailKey]?.trim().toLowerCase();
  const email = candidate !== undefined && emailSchema.safeParse(candidate).success ? candidate : null;
  const domain = email === null ? null : email.slice(email.lastIndexOf('@') + 1);
  const otherFields = Object.fromEntries(
    Object.entries(fields).filter(([key]) => key !== emailKey && !(LEAD_FIELDS as readonly string[]).includes(key)),
  );
  return {
    leadId: form.leadId,
    site: form.site,
    submittedAt: form.submittedAt,
    source: form.source ?? null,
    email,
    domain,
    freeMail: domain !== null && FREE_MAIL_DOMAINS.has(domain),
    name: nonEmpty(fields.name),
    company: nonEmpty(fields.company),
    message: nonEmpty(fields.message),
    otherFields,
  };
}
