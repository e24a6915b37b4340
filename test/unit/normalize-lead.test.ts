import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeLead } from '../../activities/normalize-lead';
import { leadSubmittedSchema } from '../../contract/events';
import { leadFormOf } from '../../contract/leads';
import { sampleEvent } from '../../src/webhooks/sample-events';

const lead = (fields: Record<string, string>) => normalizeLead(leadFormOf(leadSubmittedSchema.parse(sampleEvent('lead.submitted', { fields }))));

describe('normalizeLead', () => {
  it('lower-cases the e-mail, takes its domain, and recognises free-mail providers from the shipped list', () => {
    const gmail = lead({ email: ' Ada@GMail.COM ', name: ' Ada ', message: 'Hi' });
    assert.deepEqual([gmail.email, gmail.domain, gmail.freeMail, gmail.name], ['ada@gmail.com', 'gmail.com', true, 'Ada']);
    const company = lead({ email: 'ada@engines.example' });
    assert.deepEqual([company.domain, company.freeMail], ['engines.example', false]);
  });

  it('finds an e-mail field by its name when the mapping did not name it, and keeps the other fields', () => {
    const found = lead({ 'your-email': 'x@web.de', seats: '40' });
    assert.deepEqual([found.email, found.freeMail], ['x@web.de', true]);
    assert.deepEqual(found.otherFields, { seats: '40' });
  });

  it('an invalid or missing address gives a lead without e-mail, not an error', () => {
    assert.deepEqual([lead({ email: 'not an address' }).email, lead({ message: 'no mail' }).domain], [null, null]);
  });
});
