import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Every activity scheduled with a heartbeat timeout heartbeats while it runs, without each activity having to:
 * a worker that dies mid-attempt (kill -9, a lost machine) is then noticed within the heartbeat timeout instead of
 * at the end of the start-to-close timeout, and a cancellation (worker shutdown, a cancelled run) reaches the
 * activity's cancellationSignal, which the HTTP clients abort on. It proves the worker is alive, not that the
 * call progresses: a hung call is ended by the client's own timeout, below the start-to-close timeout.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = (context: Context) => ({
  inbound: {
    async execute(input, next) {
      const timeoutMs = context.info.heartbeatTimeoutMs;
      if (!timeoutMs) return next(input);
      const timer = setInterval(() => context.heartbeat(), Math.max(Math.floor(timeoutMs / 3), 500));
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
