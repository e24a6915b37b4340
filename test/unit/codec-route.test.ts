import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import Koa from 'koa';
import { newPayloadKeyEntry, parsePayloadKeys } from '../../src/codec/keys';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { codecRouter } from '../../src/http/codec-route';
import { errorMiddleware } from '../../src/http/error-middleware';

const UI = 'http://127.0.0.1:8233';
const TOKEN = 'codec-token-0123456789';
const codec = new AesGcmPayloadCodec(parsePayloadKeys(newPayloadKeyEntry('k1')));

async function serve(authToken?: string): Promise<{ url: string; server: Server }> {
  const app = new Koa();
  app.use(errorMiddleware());
  app.use(codecRouter(codec, { corsOrigins: [UI], authToken }, 5_000).routes());
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

describe('the codec server (/codec/encode, /codec/decode)', () => {
  let open: { url: string; server: Server };
  let guarded: { url: string; server: Server };
  before(async () => {
    [open, guarded] = await Promise.all([serve(), serve(TOKEN)]);
  });
  after(() => {
    open?.server.close();
    guarded?.server.close();
  });

  const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/codec/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('encodes and decodes in Temporal\'s JSON shape, with CORS for the Web UI\'s origin', async () => {
    const plain = asJson(defaultPayloadConverter.toPayload({ email: 'a@example.org' }));
    const encoded = await post(open.url, 'encode', { payloads: [plain] }, { origin: UI });
    assert.equal(encoded.status, 200);
    assert.equal(encoded.headers.get('access-control-allow-origin'), UI);
    const { payloads } = (await encoded.json()) as { payloads: ReturnType<typeof asJson>[] };
    assert.notEqual(payloads[0]!.data, plain.data);
    const decoded = await post(open.url, 'decode', { payloads }, { origin: UI });
    assert.deepEqual(((await decoded.json()) as { payloads: unknown[] }).payloads, [plain]);
  });

  it('answers the browser\'s preflight for the Web UI\'s origin with the headers the UI sends', async () => {
    const answer = await fetch(`${open.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    assert.equal(answer.status, 204);
    assert.match(answer.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    assert.equal(answer.headers.get('access-control-allow-origin'), UI);
  });

  it('refuses another origin, and with CODEC_AUTH_TOKEN set a request without the token', async () => {
    assert.equal((await post(open.url, 'decode', { payloads: [] }, { origin: 'https://elsewhere.example' })).status, 401);
    const missing = await post(guarded.url, 'decode', { payloads: [] });
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { error: string }).error, 'codec_unauthorized');
    assert.equal((await post(guarded.url, 'decode', { payloads: [] }, { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    assert.equal((await post(guarded.url, 'decode', { payloads: [] }, { authorization: `Bearer ${TOKEN}` })).status, 200);
  });

  it('a body that is not the protocol\'s shape gets 400 naming the expected shape', async () => {
    const answer = await post(open.url, 'decode', { payload: 'x' });
    assert.equal(answer.status, 400);
    assert.match(((await answer.json()) as { reason: string }).reason, /payloads/);
  });
});
