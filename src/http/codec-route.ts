import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import Router from '@koa/router';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../config/config';
import { HttpError } from '../errors/http-error';
import { readBody } from './read-body';
import type { RelayMiddleware, RelayState } from './state';

/** Temporal's codec-server protocol: payloads as JSON, their metadata values and data in base64. */
const jsonPayloadsSchema = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), z.base64()).nullish(),
        data: z.base64().nullish(),
      }),
    )
    .max(10_000),
});
type JsonPayload = z.infer<typeof jsonPayloadsSchema>['payloads'][number];

const MAX_CODEC_BODY_BYTES = 8 * 1024 * 1024;

function fromJson(payload: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: payload.data ? Buffer.from(payload.data, 'base64') : undefined,
  };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

function tokenMatches(header: string, token: string): boolean {
  const offered = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/**
 * `/codec/encode` and `/codec/decode` for the Web UI and the `temporal` CLI (`--codec-endpoint .../codec`), so an
 * operator reads decrypted payloads without the key ever leaving the relay. The access check: with
 * CODEC_AUTH_TOKEN set, a request must carry it as a bearer token; without, only loopback peers are answered (an
 * operator on the relay's own machine, as with `npm start`). A browser's Origin must be one of CODEC_CORS_ORIGINS
 * either way, so another web page open in the operator's browser cannot use it.
 */
export function codecRouter(codec: PayloadCodec, options: Config['codec'], bodyTimeoutMs: number): Router<RelayState> {
  const origins = new Set(options.corsOrigins);

  const allowOrigin: RelayMiddleware = async (ctx, next) => {
    const origin = ctx.get('origin');
    if (origin !== '') {
      if (!origins.has(origin)) throw new HttpError(401, 'codec_origin_refused', 'this origin may not use the codec server; add it to CODEC_CORS_ORIGINS');
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.vary('Origin');
    }
    await next();
  };

  // The preflight carries no credentials; the request that follows is checked.
  const preflight: RelayMiddleware = (ctx) => {
    ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    ctx.set('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
  };

  const authorise: RelayMiddleware = async (ctx, next) => {
    if (options.authToken !== undefined) {
      if (!tokenMatches(ctx.get('authorization'), options.authToken)) {
        throw new HttpError(401, 'codec_unauthorized', 'send Authorization: Bearer <CODEC_AUTH_TOKEN>');
      }
    } else if (!isLoopback(ctx.req.socket.remoteAddress)) {
      throw new HttpError(401, 'codec_unauthorized', 'without CODEC_AUTH_TOKEN the codec server answers only its own machine');
    }
    await next();
  };

  const translate =
    (direction: 'encode' | 'decode'): RelayMiddleware =>
    async (ctx) => {
      let parsed;
      try {
        parsed = jsonPayloadsSchema.safeParse(JSON.parse((await readBody(ctx.req, MAX_CODEC_BODY_BYTES, bodyTimeoutMs)).toString('utf8')));
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, 'invalid_json', 'the body is not JSON');
      }
      if (!parsed.success) throw new HttpError(400, 'invalid_payload', 'expected {"payloads":[{"metadata":{...},"data":"<base64>"}]}');
      const payloads = parsed.data.payloads.map(fromJson);
      let result: Payload[];
      try {
        result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      } catch (error) {
        throw new HttpError(400, 'codec_failed', (error as Error).message);
      }
      ctx.body = { payloads: result.map(toJson) };
    };

  const router = new Router<RelayState>({ prefix: '/codec' });
  for (const direction of ['encode', 'decode'] as const) {
    router.options(`/${direction}`, allowOrigin, preflight);
    router.post(`/${direction}`, allowOrigin, authorise, translate(direction));
  }
  return router;
}
