import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import type { HttpJob, KeyLog, LoadResult } from './load-protocol';
import { asRun, drive } from './pacer';
import type { SignedRequest } from './requests';
import { summarize } from './stats';

type Run = Omit<LoadResult, 'sentKeys' | 'acceptedKeys'>;

const WEBHOOK_PATH = '/webhooks/wp';
const TIMEOUT_SECONDS = 10;
const ACCEPTED = '"status":"accepted"';

/**
 * Closed loop with autocannon: `connections` keep-alive connections, each sending its next request when the last
 * one is answered. Latencies come from autocannon's per-response event, kept to 0.01 ms (its histogram rounds to ms).
 */
export async function closedLoop(job: HttpJob, seconds: number, next: () => SignedRequest, keys: KeyLog): Promise<Run> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: seconds,
    timeout: TIMEOUT_SECONDS,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (params, context) => {
          const signed = next();
          context.key = signed.key;
          keys.sent.push(signed.key);
          return { ...params, headers: signed.headers, body: signed.body };
        },
        onResponse: (status, body, context) => {
          if (status === 202 && body.includes(ACCEPTED)) keys.accepted.push(context.key as string);
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await instance;
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statuses[status] = count;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    latency: summarize(latencies),
    statuses,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    notSent: 0,
  };
}

/**
 * Node's own HTTP client over at most `connections` keep-alive sockets (see drive()): evenly paced at `rate`, or,
 * without one, closed loop. It reconnects like any client when a server closes each connection (gunicorn's sync
 * workers answer `Connection: close`), where autocannon completed a few requests a second or none at all.
 */
export async function agentLoop(job: HttpJob, seconds: number, next: () => SignedRequest, keys: KeyLog): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(WEBHOOK_PATH, job.url);
  const send = () =>
    new Promise<string>((resolve, reject) => {
      const signed = next();
      keys.sent.push(signed.key);
      const req = request(url, { method: 'POST', agent, headers: signed.headers, timeout: TIMEOUT_SECONDS * 1000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode === 202 && body.includes(ACCEPTED)) keys.accepted.push(signed.key);
          resolve(String(res.statusCode));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(signed.body);
    });
  try {
    return asRun(await drive({ ...job, durationSeconds: seconds }, send));
  } finally {
    agent.destroy();
  }
}
