import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CrmRecord } from '../../activities/crm';
import { leadSubmittedSchema } from '../../contract/events';
import type { enrichLead } from '../../workflows';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startStack, type Stack } from '../support/stack';
import { readOutbox, type WordPress } from '../../tools/wordpress';

const SCORE = { intent: 'purchase', score: 90, summary: 'Ready to buy the enterprise plan.', stage: 'qualified' };

/**
 * Contact Form 7, Gravity Forms and WPForms are not installable here, so this mu-plugin defines the few classes
 * and constants the adapters look for, with the shapes those plugins document; the hooks are then fired inside
 * WordPress with the arguments the plugins pass.
 */
const FORM_PLUGINS_STAND_IN = `<?php
define('WPCF7_VERSION', '6.0-stand-in');
final class WPCF7_Submission {
  public static ?WPCF7_Submission $current = null;
  public function __construct(private array $posted, private string $hash) {}
  public static function get_instance() { return self::$current; }
  public function get_posted_data() { return $this->posted; }
  public function get_posted_data_hash() { return $this->hash; }
}
final class WPCF7_ContactForm {
  public function __construct(private int $id, private string $title) {}
  public function id() { return $this->id; }
  public function title() { return $this->title; }
}
final class GFForms {}
define('WPFORMS_VERSION', '1.9-stand-in');
`;

describe('form plugins → lead.submitted → enrichLead → the CRM, once per submission', () => {
  let stack: Stack;
  let wp: WordPress;
  let crm: CrmStub;

  before(async () => {
    crm = await startCrmStub();
    stack = await startStack({ relayEnv: { CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: crm.secret } });
    stack.llm.setDefault({ kind: 'json', value: SCORE });
    wp = stack.wp;
    await writeFile(join(wp.dir, 'site/wp-content/mu-plugins/form-plugins-stand-in.php'), FORM_PLUGINS_STAND_IN);
    await wp.setOptions({
      ai_relay_endpoint: `${stack.relay.url}/webhooks/wp`,
      ai_relay_allow_private: true,
      ai_relay_secret: 'test-secret-0123456789',
      ai_relay_events: ['lead.submitted'],
      // A site whose Gravity form labels its e-mail field "Work e-mail".
      ai_relay_lead_fields: { email: 'work e-mail, your-email, email', name: 'your-name, name', company: 'company', message: 'your-message, message' },
    });
  });
  after(async () => {
    await stack?.stop();
    await crm?.close();
  });

  /** Fires `php` twice (a submission handled twice), then follows the one outbox row to the CRM. */
  async function submitTwice(php: string, source: RegExp): Promise<{ record: CrmRecord; leadId: string }> {
    const known = new Set((await readOutbox(wp)).map((row) => row.id));
    await wp.runPhp(php);
    await wp.runPhp(php);
    const rows = (await readOutbox(wp)).filter((row) => row.event === 'lead.submitted' && !known.has(row.id));
    assert.equal(rows.length, 1, 'one outbox row for the submission');
    const [row] = rows;
    assert.deepEqual([row!.status, row!.last_http_status], ['delivered', 202], row!.last_response ?? '');
    const event = leadSubmittedSchema.parse(JSON.parse(row!.body));
    assert.match(event.source ?? '', source);
    const result = await stack.relay.client.workflow.getHandle<typeof enrichLead>(row!.idempotency_key).result();
    assert.equal(result.outcome, 'delivered');
    assert.equal(result.score, SCORE.score);
    const requests = crm.requests.filter((r) => r.idempotencyKey === result.idempotencyKey);
    assert.equal(requests.length, 1, 'the CRM got the lead once');
    assert.equal(requests[0]!.signatureValid, true);
    return { record: crm.records.get(result.idempotencyKey) as CrmRecord, leadId: event.lead_id };
  }

  test('the generic ai_relay_lead action', async () => {
    const { record } = await submitTwice(
      `do_action('ai_relay_lead', array('email' => 'Generic@Example.org', 'name' => 'Gen', 'message' => 'Price list?'), array('lead_id' => 'custom-form-1', 'source' => 'custom form'));`,
      /custom form/,
    );
    assert.deepEqual(record.contact, { email: 'generic@example.org', domain: 'example.org', free_mail: false, name: 'Gen', company: null });
    assert.deepEqual(record.score, SCORE);
  });

  test('Contact Form 7: wpcf7_mail_sent with the current WPCF7_Submission, keyed by posted_data_hash', async () => {
    const { record, leadId } = await submitTwice(
      `WPCF7_Submission::$current = new WPCF7_Submission(array('_wpcf7' => '12', 'your-name' => 'Ada', 'your-email' => 'ada@gmail.com', 'your-message' => 'A quote for 40 seats'), 'c0ffee1234567890abcdef');
       do_action('wpcf7_mail_sent', new WPCF7_ContactForm(12, 'Contact'));`,
      /Contact Form 7/,
    );
    assert.equal(leadId, 'cf7-12-c0ffee1234567890abcdef');
    assert.deepEqual(record.contact, { email: 'ada@gmail.com', domain: 'gmail.com', free_mail: true, name: 'Ada', company: null });
    assert.equal(record.message, 'A quote for 40 seats');
    assert.deepEqual(record.fields, {}, "CF7's own _wpcf7 fields are not sent");
  });

  test('Gravity Forms: gform_after_submission with the entry and the form, keyed by entry id, mapped by label', async () => {
    const { record, leadId } = await submitTwice(
      `$form = array('id' => 3, 'title' => 'Sales', 'fields' => array(
         (object) array('id' => 1, 'label' => 'Name', 'inputs' => array(array('id' => '1.3'), array('id' => '1.6'))),
         (object) array('id' => 2, 'label' => 'Work e-mail', 'inputs' => null),
         (object) array('id' => 3, 'label' => 'Company', 'inputs' => null),
         (object) array('id' => 4, 'label' => 'Seats', 'inputs' => null)));
       $entry = array('id' => '77', 'form_id' => '3', '1.3' => 'Grace', '1.6' => 'Hopper', '2' => 'Grace@Navy.example', '3' => 'US Navy', '4' => '250');
       do_action('gform_after_submission', $entry, $form);`,
      /Gravity Forms: Sales/,
    );
    assert.equal(leadId, 'gf-3-77');
    assert.deepEqual(record.contact, { email: 'grace@navy.example', domain: 'navy.example', free_mail: false, name: 'Grace Hopper', company: 'US Navy' });
    assert.deepEqual(record.fields, { Seats: '250' });
  });

  test('WPForms Lite: wpforms_process_complete with entry id 0, keyed by form id and a hash of the fields', async () => {
    const { record, leadId } = await submitTwice(
      `$fields = array(
         1 => array('id' => 1, 'type' => 'name', 'name' => 'Name', 'value' => 'Linus'),
         2 => array('id' => 2, 'type' => 'email', 'name' => 'Email', 'value' => 'linus@kernel.example'),
         3 => array('id' => 3, 'type' => 'textarea', 'name' => 'Message', 'value' => 'Support contract?'));
       do_action('wpforms_process_complete', $fields, array('fields' => array()), array('id' => 9, 'settings' => array('form_title' => 'Simple')), 0);`,
      /WPForms: Simple/,
    );
    assert.match(leadId, /^wpforms-9-[0-9a-f]{32}$/);
    assert.deepEqual(record.contact, { email: 'linus@kernel.example', domain: 'kernel.example', free_mail: false, name: 'Linus', company: null });
    assert.equal(record.message, 'Support contract?');
  });

  test('the settings page shows the field mapping, and saving it keeps the sanitized names', async () => {
    const cookie = await wp.login();
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    assert.match(page, /name="ai_relay_lead_fields\[email\]" value="work e-mail, your-email, email"/);
    for (const role of ['name', 'company', 'message']) assert.match(page, new RegExp(`name="ai_relay_lead_fields\\[${role}\\]"`));

    const saved = await wp.runPhp(
      `echo wp_json_encode(ai_relay_sanitize_lead_fields(array('email' => ' <b>E-Mail</b> ,, mail ', 'name' => '')));`,
    );
    const clean = JSON.parse(saved) as Record<string, string>;
    assert.equal(clean.email, 'E-Mail, mail', 'tags stripped, empty names dropped');
    assert.equal(clean.name, 'name, your-name, full name', 'an empty role falls back to its defaults');
  });
});
