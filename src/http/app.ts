import Router from '@koa/router';
import type { PayloadCodec } from '@temporalio/common';
import Koa from 'koa';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { StartEvent } from '../temporal/start-event';
import { codecRoutes } from './codec-route';
import { errorMiddleware } from './error-middleware';
import type { ReceiverMetrics } from './metrics';
import { requestLog } from './request-log';
import { webhookRoute } from './webhook-route';

export interface AppDeps {
  readonly webhook: Config['webhook'];
  readonly startEvent: StartEvent;
  /** Resolves true when Temporal answers; backs /readyz. */
  readonly checkReady: () => Promise<boolean>;
  readonly logger: Logger;
  readonly metrics: ReceiverMetrics;
  /** Serves /codec/encode and /codec/decode with the relay's payload codec when given. */
  readonly codec?: { readonly codec: PayloadCodec; readonly options: Config['codec'] };
}

/** The receiver as a Koa app, without listen(), so tests can drive app.callback() or a real port alike. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  const router = new Router();

  router.post('/webhooks/wp', webhookRoute(deps.webhook, deps.startEvent));
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = await deps.checkReady().catch(() => false);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'temporal unreachable' };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  app.use(requestLog(deps.logger, deps.metrics));
  app.use(errorMiddleware());
  if (deps.codec) app.use(codecRoutes(deps.codec.codec, deps.codec.options));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    deps.logger.error({ err: error, requestId: ctx?.state.requestId }, 'unhandled error');
  });
  return app;
}
