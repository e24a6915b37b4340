import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pluginLogLines, readOutbox, startWordPress, type WordPress } from '../../tools/wordpress';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

interface Meta {
  ai_relay_summary: string;
  ai_relay_summary_hash: string | null;
  ai_relay_summary_run: string;
  ai_relay_summary_editor: number;
  ai_relay_summary_edited_at: number;
  ai_relay_description: string;
  ai_relay_description_editor: number;
  ai_relay_description_edited_at: number;
}

describe("summaries: an editor's text wins over the AI's, and only the relay writes the relay's meta", () => {
  let wp: WordPress;
  const auth: Record<'author' | 'editor', string> = { author: '', editor: '' };
  const ids: Record<'author' | 'editor', number> = { author: 0, editor: 0 };
  let postId: number;

  /** The worker's write-back, as activities/wordpress.ts sends it: summary, hash and run in one request. */
  const writeBack = (summary: string, hash: string, run: string) =>
    wp.rest(`/wp/v2/posts/${postId}?context=edit`, {
      method: 'POST',
      body: JSON.stringify({ meta: { ai_relay_summary: summary, ai_relay_summary_hash: hash, ai_relay_summary_run: run } }),
    });
  const as = (who: 'author' | 'editor', meta: Partial<Meta>) =>
    wp.rest(`/wp/v2/posts/${postId}?context=edit`, {
      method: 'POST',
      headers: { authorization: auth[who] },
      body: JSON.stringify({ meta }),
    });
  const meta = async (): Promise<Meta> => {
    const response = await wp.rest(`/wp/v2/posts/${postId}?context=edit`);
    return ((await response.json()) as { meta: Meta }).meta;
  };

  before(async () => {
    wp = await startWordPress({
      options: { ai_relay_endpoint: 'http://127.0.0.1:9/webhooks/wp', ai_relay_secret: 'a-secret-of-the-tests', ai_relay_events: ['post.published', 'post.updated'] },
    });
    for (const role of ['author', 'editor'] as const) {
      const { id, password } = JSON.parse(
        await wp.runPhp(`
$id = wp_insert_user(array('user_login' => '${role}1', 'user_pass' => wp_generate_password(), 'role' => '${role}', 'display_name' => 'The ${role}'));
[$password] = WP_Application_Passwords::create_new_application_password($id, array('name' => 'tests'));
echo wp_json_encode(array('id' => $id, 'password' => $password));`),
      ) as { id: number; password: string };
      ids[role] = id;
      auth[role] = `Basic ${Buffer.from(`${role}1:${password}`).toString('base64')}`;
    }
    // The author's own published post, so both the author and the editor may edit it.
    postId = Number(
      await wp.runPhp(
        `echo wp_insert_post(array('post_title' => 'Compost', 'post_content' => 'Turn it weekly.', 'post_status' => 'publish', 'post_author' => ${ids.author}));`,
      ),
    );
    assert.equal((await writeBack('The AI summary.', HASH_A, 'wf/run-1')).status, 200);
  });
  after(() => wp?.stop());

  test('an author cannot set the content hash (which would make the relay skip the post) nor the run', async () => {
    const hash = await as('author', { ai_relay_summary_hash: HASH_B });
    assert.equal(hash.status, 403);
    assert.equal(((await hash.json()) as { code: string }).code, 'rest_cannot_update');
    assert.equal((await as('author', { ai_relay_summary_run: 'forged/run' })).status, 403);
    assert.equal((await as('editor', { ai_relay_summary_hash: HASH_B })).status, 403, 'an editor cannot either');
    const stored = await meta();
    assert.equal(stored.ai_relay_summary_hash, HASH_A);
    assert.equal(stored.ai_relay_summary_run, 'wf/run-1');
  });

  test("an editor who changes the summary makes it theirs: who and when are recorded", async () => {
    const before = Math.floor(Date.now() / 1000);
    assert.equal((await as('editor', { ai_relay_summary: 'The editor’s summary.' })).status, 200);
    const stored = await meta();
    assert.equal(stored.ai_relay_summary, 'The editor’s summary.');
    assert.equal(stored.ai_relay_summary_editor, ids.editor);
    assert.ok(stored.ai_relay_summary_edited_at >= before - 5, `edited_at ${stored.ai_relay_summary_edited_at} is now`);
  });

  test("a later write-back from the relay succeeds but keeps the editor's summary", async () => {
    const response = await writeBack('A newer AI summary.', HASH_B, 'wf/run-2');
    assert.equal(response.status, 200);
    const stored = await meta();
    assert.equal(stored.ai_relay_summary, 'The editor’s summary.');
    assert.equal(stored.ai_relay_summary_editor, ids.editor);
    assert.equal(stored.ai_relay_summary_hash, HASH_B, 'the relay still records what it has seen');
  });

  test('the owner and the time are the plugin\'s to write: a request setting them changes nothing', async () => {
    const before = await meta();
    assert.equal((await as('author', { ai_relay_summary_editor: ids.author, ai_relay_summary_edited_at: 1 })).status, 200);
    const after = await meta();
    assert.equal(after.ai_relay_summary_editor, ids.editor);
    assert.equal(after.ai_relay_summary_edited_at, before.ai_relay_summary_edited_at);
  });

  test('handing the summary back to the AI clears the owner and the hash, asks the relay again, and the next write-back lands', async () => {
    const outboxBefore = (await readOutbox(wp)).length;
    assert.equal((await as('editor', { ai_relay_summary_editor: 0 })).status, 200);
    let stored = await meta();
    assert.equal(stored.ai_relay_summary_editor, 0);
    // No hash: REST shows null for a value its schema's pattern refuses, and the worker then summarises the post.
    assert.equal(stored.ai_relay_summary_hash, null);
    assert.equal(stored.ai_relay_summary_edited_at, 0);
    const events = (await readOutbox(wp)).slice(outboxBefore);
    assert.deepEqual(events.map((row) => row.event), ['post.updated']);

    assert.equal((await writeBack('The AI summary again.', HASH_A, 'wf/run-3')).status, 200);
    stored = await meta();
    assert.equal(stored.ai_relay_summary, 'The AI summary again.');
    assert.equal(stored.ai_relay_summary_editor, 0);
  });

  test("the SEO description follows the same rules: an editor's change makes it theirs, the relay keeps it, and it can be handed back", async () => {
    const writeBackBoth = (description: string, run: string) =>
      wp.rest(`/wp/v2/posts/${postId}?context=edit`, {
        method: 'POST',
        body: JSON.stringify({ meta: { ai_relay_summary: 'The AI summary again.', ai_relay_description: description, ai_relay_summary_hash: HASH_B, ai_relay_summary_run: run } }),
      });
    assert.equal((await writeBackBoth('The AI description.', 'wf/run-4')).status, 200);
    assert.equal((await meta()).ai_relay_description, 'The AI description.');

    const before = Math.floor(Date.now() / 1000);
    assert.equal((await as('editor', { ai_relay_description: 'The editor’s description.' })).status, 200);
    let stored = await meta();
    assert.equal(stored.ai_relay_description_editor, ids.editor);
    assert.ok(stored.ai_relay_description_edited_at >= before - 5);
    assert.equal(stored.ai_relay_summary_editor, 0, 'the summary stays the AI\'s: each text has its own owner');

    assert.equal((await writeBackBoth('A newer AI description.', 'wf/run-5')).status, 200);
    stored = await meta();
    assert.equal(stored.ai_relay_description, 'The editor’s description.');
    assert.equal(stored.ai_relay_summary, 'The AI summary again.');

    assert.equal((await as('author', { ai_relay_description_editor: ids.author })).status, 200);
    assert.equal((await meta()).ai_relay_description_editor, ids.editor, 'the owner is the plugin\'s to write');

    const outboxBefore = (await readOutbox(wp)).length;
    assert.equal((await as('editor', { ai_relay_description_editor: 0 })).status, 200);
    stored = await meta();
    assert.equal(stored.ai_relay_description_editor, 0);
    assert.equal(stored.ai_relay_summary_hash, null, 'the relay summarises the post again');
    assert.deepEqual((await readOutbox(wp)).slice(outboxBefore).map((row) => row.event), ['post.updated']);
    assert.equal((await writeBackBoth('The AI description, handed back.', 'wf/run-6')).status, 200);
    assert.equal((await meta()).ai_relay_description, 'The AI description, handed back.');
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
