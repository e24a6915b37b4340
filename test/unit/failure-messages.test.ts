import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import OpenAI from 'openai';
import { CrmClient } from '../../activities/crm-client';
import { classifyFailure, EXCERPT_CHARS, originOf } from '../../activities/failures';
import { WordPressClient } from '../../activities/wordpress-client';
import { freePort } from '../support/ports';

const HTML_404 = `<!DOCTYPE html><html><head><title>404 Not Found</title><style>body{color:red}</style></head>
<body>${'<div class="nav"><a href="/">Home</a></div>\n'.repeat(200)}<h1>Not Found</h1><p>The requested URL was not found.</p></body></html>`;

function failureOf(service: 'LLM' | 'WordPress' | 'CRM', error: unknown, origin?: string): ApplicationFailure {
  const classified = classifyFailure(service, error, { origin });
  assert.ok(classified instanceof ApplicationFailure, String(classified));
  return classified;
}

/** Real clients against real sockets on 127.0.0.1: a closed port, and a server answering 404 with an HTML page. */
describe('failures name their cause', () => {
  let htmlUrl = '';
  const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end(HTML_404));
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    htmlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('an LLM on a closed port: the URL origin and OPENAI_BASE_URL are in the message', async () => {
    const baseURL = `http://127.0.0.1:${await freePort()}/v1`;
    const openai = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0 });
    const error = await openai.models.list().then(() => undefined, (e: unknown) => e);
    const failure = failureOf('LLM', error, originOf(openai.baseURL));
    assert.match(failure.message, new RegExp(`^LLM at ${originOf(baseURL)!.replace(/\./g, '\\.')} \\(OPENAI_BASE_URL\\): Connection error`));
    assert.equal(failure.nonRetryable, false);
  });

  it('an LLM URL answering 404 with an HTML page: a short plain-text excerpt, not the page', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: `${htmlUrl}/v1`, maxRetries: 0 });
    const error = await openai.chat.completions.create({ model: 'm', messages: [] }).then(() => undefined, (e: unknown) => e);
    const failure = failureOf('LLM', error, originOf(openai.baseURL));
    assert.ok(failure.message.startsWith(`LLM at ${htmlUrl} (OPENAI_BASE_URL) answered HTTP 404: `), failure.message);
    assert.doesNotMatch(failure.message, /<|>|color:red/);
    assert.match(failure.message, /404 Not Found/);
    assert.ok(failure.message.length < EXCERPT_CHARS + 100, `${failure.message.length} characters`);
    assert.equal(failure.nonRetryable, true);
  });

  it('WordPress on a closed port: WP_BASE_URL and its origin, from the client itself', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    const client = new WordPressClient({ baseUrl, username: 'u', appPassword: 'p', timeoutMs: 5000 });
    const error = await client.request('GET', 'wp/v2/posts/1').then(() => undefined, (e: unknown) => e);
    const failure = failureOf('WordPress', error);
    assert.match(failure.message, new RegExp(`^WordPress at ${baseUrl.replace(/\./g, '\\.')} \\(WP_BASE_URL\\): fetch failed`));
    assert.equal(failure.type, 'WordPressUnreachable');
  });

  it('WordPress answering 404 HTML and a CRM refusing: each names its variable', async () => {
    const wp = new WordPressClient({ baseUrl: htmlUrl, username: 'u', appPassword: 'p', timeoutMs: 5000 });
    const wpFailure = failureOf('WordPress', await wp.request('GET', 'wp/v2/posts/1').then(() => undefined, (e: unknown) => e));
    assert.match(wpFailure.message, new RegExp(`^WordPress at ${htmlUrl.replace(/\./g, '\\.')} \\(WP_BASE_URL\\) answered HTTP 404: GET /wp-json/wp/v2/posts/1$`));
    const crm = new CrmClient({ url: `${htmlUrl}/hook`, secret: Buffer.alloc(32, 1), timeoutMs: 5000 });
    const crmFailure = failureOf('CRM', await crm.deliver('key-1', {}).then(() => undefined, (e: unknown) => e));
    assert.match(crmFailure.message, new RegExp(`^CRM at ${htmlUrl.replace(/\./g, '\\.')} \\(CRM_WEBHOOK_URL\\) answered HTTP 404`));
  });
});
