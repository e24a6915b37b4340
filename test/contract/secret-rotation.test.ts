import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { eventually } from '../support/eventually';
import { spawnReceiver, type ReceiverProcess } from '../support/receiver-process';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook, type WebhookAnswer } from '../support/webhook';

const OLD = { keyId: 'old', secret: 'old-secret-0123456789abcdef' };
const NEW = { keyId: 'new', secret: 'new-secret-0123456789abcdef' };
const TASK_QUEUE = 'secret-rotation';

/**
 * rotation with no downtime of docs/wordpress.md, under load, against a receiver process and a real Temporal dev server:
 * both secrets active while the sender switches mid-load → no failed delivery; the old one retired → 401.
 */
describe('secret rotation under load', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  let receiver: ReceiverProcess;
  const env = (secrets: string) => ({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: TASK_QUEUE, WP_RELAY_SECRETS: secrets, LOG_LEVEL: 'silent' });

  before(async () => {
    temporal = await startTestTemporal();
    connection = await Connection.connect({ address: temporal.address });
    receiver = await spawnReceiver(env(`${OLD.keyId}:${OLD.secret},${NEW.keyId}:${NEW.secret}`));
  });
  after(async () => {
    await receiver?.stop(); // undefined when before() failed: the cluster must still be stopped, or it keeps the file running
    await connection.close();
    await temporal.stop();
  });

  /** Sends `count` events, `concurrency` at a time; `signer(i)` picks the key for the i-th. */
  async function load(count: number, concurrency: number, signer: (i: number) => typeof OLD) {
    const answers: { key: string; keyId: string; answer: WebhookAnswer }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          const event = sampleEvent('post.published');
          const { keyId, secret } = signer(i);
          answers.push({ key: event.idempotency_key, keyId, answer: await sendWebhook(receiver.url, event, { keyId, secret }) });
        }
      }),
    );
    return answers;
  }

  it('switching the sender from the old key id to the new one mid-load, both active: every delivery accepted and recorded', async () => {
    const count = 300;
    const answers = await load(count, 12, (i) => (i < count / 2 ? OLD : NEW));
    const failed = answers.filter((a) => a.answer.status !== 202);
    assert.deepEqual(failed.map((a) => `${a.keyId}: ${a.answer.status} ${JSON.stringify(a.answer.body)}`), []);
    assert.equal(answers.filter((a) => a.keyId === 'old').length, count / 2);
    assert.equal(answers.filter((a) => a.answer.body.status === 'accepted').length, count);

    // Every 202 is a recorded start: visibility catches up within seconds.
    const client = new Client({ connection });
    const recorded = async () => (await client.workflow.count(`TaskQueue = "${TASK_QUEUE}"`)).count;
    await eventually(async () => ((await recorded()) >= count || undefined), `${count} runs in visibility`);
    assert.equal(await recorded(), count);
  });

  it('after the old secret is retired, requests signed with it get 401 while the new one keeps working under load', async () => {
    await receiver.stop();
    receiver = await spawnReceiver(env(`${NEW.keyId}:${NEW.secret}`), Number(new URL(receiver.url).port));
    const answers = await load(120, 12, (i) => (i % 2 === 0 ? OLD : NEW));
    const old = answers.filter((a) => a.keyId === 'old');
    const fresh = answers.filter((a) => a.keyId === 'new');
    assert.deepEqual([...new Set(old.map((a) => `${a.answer.status} ${String(a.answer.body.error)}`))], ['401 unknown_key_id']);
    assert.deepEqual([...new Set(fresh.map((a) => a.answer.status))], [202]);

    // A sender that still has the old secret but sends no key id is refused too: the secret itself is gone.
    const unkeyed = await sendWebhook(receiver.url, sampleEvent('post.published'), { secret: OLD.secret });
    assert.equal(unkeyed.status, 401);
    assert.equal(unkeyed.body.error, 'bad_signature');
  });
});
