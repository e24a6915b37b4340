import Router from '@koa/router';
import type { PayloadCodec } from '@temporalio/common';
import Koa from 'koa';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { Readiness } from '../temporal/readiness';
import type { StartEvent } from '../temporal/start-event';
import { codecRouter } from './codec-route';
import { errorMiddleware } from './error-middleware';
import type { ReceiverMetrics } from './metrics';
import { requestLog } from './request-log';
import type { RelayState } from './state';
import { webhookRoute } from './webhook-route';

export interface AppDeps {
  readonly webhook: Config['webhook'];
  readonly startEvent: StartEvent;
  /** Whether a start would be recorded (Temporal answers, namespace and search attributes in place); backs /readyz. */
  readonly checkReady: () => Promise<Readiness>;
  readonly logger: Logger;
  readonly metrics: ReceiverMetrics;
  /** Serves /codec/encode and /codec/decode with the relay's payload codec when given. */
  readonly codec?: { readonly codec: PayloadCodec; readonly options: Config['codec'] };
}

/** The receiver as a Koa app, without listen(), so tests can drive app.callback() or a real port alike. */
export function createApp(deps: AppDeps): Koa<RelayState> {
  const app = new Koa<RelayState>();
  app.proxy = false;
  const router = new Router<RelayState>();
  let reportedMisconfigured = false;

  router.post('/webhooks/wp', webhookRoute(deps.webhook, deps.startEvent));
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const readiness = await deps.checkReady().catch((): Readiness => ({ status: 'temporal unreachable' }));
    const misconfigured = readiness.status === 'misconfigured';
    // Logged once per change, not per probe: an orchestrator polls /readyz every few seconds.
    if (misconfigured && !reportedMisconfigured) {
      deps.logger.error({ problems: readiness.problems }, 'relay misconfigured: webhooks are answered 503 until this is fixed');
    }
    reportedMisconfigured = misconfigured;
    deps.metrics.misconfigured.set(misconfigured ? 1 : 0);
    ctx.status = readiness.status === 'ready' ? 200 : 503;
    ctx.body = readiness;
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  app.use(requestLog(deps.logger, deps.metrics));
  app.use(errorMiddleware());
  if (deps.codec) app.use(codecRouter(deps.codec.codec, deps.codec.options, deps.webhook.bodyTimeoutMs).routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: unknown, ctx?: Koa.ParameterizedContext<RelayState>) => {
    deps.logger.error({ err: error, requestId: ctx?.state.requestId }, 'unhandled error');
  });
  return app;
}
