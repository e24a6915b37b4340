import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One scripted answer of the stand-in CRM; `record` answers 201 for a new key and 409 for a known one. */
export type CrmBehaviour =
  | { kind: 'record' }
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Stores the record, then runs `then` (e.g. kills the worker) before answering: the answer is lost. */
  | { kind: 'record-then'; then: () => Promise<void> };

export interface CrmRequest {
  readonly idempotencyKey: string | undefined;
  readonly webhookId: string | undefined;
  readonly signatureValid: boolean;
  readonly status: number;
  /** The W3C trace context the caller sent, when tracing is on. */
  readonly traceparent: string | undefined;
}

export interface CrmStub {
  /** The CRM_WEBHOOK_URL to configure. */
  readonly url: string;
  /** The CRM_WEBHOOK_SECRET to configure. */
  readonly secret: string;
  /** Every request, in order, with whether its signature verified. */
  readonly requests: CrmRequest[];
  /** The stored records by Idempotency-Key: what a CRM that de-duplicates holds. */
  readonly records: Map<string, unknown>;
  enqueue(...behaviours: CrmBehaviour[]): void;
  close(): Promise<void>;
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * A CRM's webhook endpoint on 127.0.0.1: it verifies the Standard Webhooks signature with the reference
 * `standardwebhooks` library (401 when it does not verify), keeps one record per Idempotency-Key (409 for a key
 * it has), and can be told to fail first.
 */
export async function startCrmStub(): Promise<CrmStub> {
  const verifier = new Webhook(SECRET);
  const queue: CrmBehaviour[] = [];
  const requests: CrmRequest[] = [];
  const records = new Map<string, unknown>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const idempotencyKey = header('idempotency-key');
    let record: unknown;
    let signatureValid = true;
    try {
      record = verifier.verify(body, req.headers as Record<string, string>);
    } catch {
      signatureValid = false;
    }
    const answer = (status: number, headers: Record<string, string> = {}) => {
      requests.push({ idempotencyKey, webhookId: header('webhook-id'), signatureValid, status, traceparent: header('traceparent') });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ status }));
    };
    if (!signatureValid || idempotencyKey === undefined) return answer(401);
    const behaviour = queue.shift() ?? { kind: 'record' };
    if (behaviour.kind === 'status') return answer(behaviour.status, behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {});
    if (records.has(idempotencyKey)) return answer(409);
    records.set(idempotencyKey, record);
    if (behaviour.kind === 'record-then') await behaviour.then();
    answer(201);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/leads`,
    secret: SECRET,
    requests,
    records,
    enqueue: (...behaviours) => queue.push(...behaviours),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
