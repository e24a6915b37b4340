import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the stand-in LLM. */
export type LlmBehaviour =
  /**
   * A summary and its SEO description, in one answer as the prompt asks; `until` holds the answer back (e.g. so
   * attempts stay in a worker's hands until a test lets go).
   */
  | { kind: 'summary'; summary?: string; description?: string; delayMs?: number; until?: Promise<unknown> }
  /**
   * A comment verdict; without a label, the stand-in's keyword rules pick one. `confidence` is the probability its
   * log-probabilities give the label (sent when asked for, as OpenAI does). `until` holds the answer back.
   */
  | { kind: 'verdict'; label?: string; confidence?: number; reason?: string; until?: Promise<unknown> }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'invalid'; content: string }
  /** A structured answer: `value` as the message's JSON content. */
  | { kind: 'json'; value: unknown }
  | { kind: 'hang' };

export interface LlmRequest {
  readonly model: string;
  readonly messages: { role: string; content: string }[];
  readonly response_format?: { type: string; json_schema?: { name: string; strict?: boolean } };
  readonly logprobs?: boolean;
  readonly max_completion_tokens?: number;
  readonly authorization: string | undefined;
  /** The W3C trace context the caller sent, when tracing is on. */
  readonly traceparent: string | undefined;
}

export interface LlmStub {
  /** The OpenAI base URL to configure (`OPENAI_BASE_URL`). */
  readonly baseURL: string;
  readonly requests: LlmRequest[];
  /** The most chat-completion requests that were being answered at the same moment. */
  readonly peakConcurrent: number;
  /** Hanging requests the client gave up on (closed its connection), e.g. because its call was aborted. */
  abandoned(): number;
  /** Answers for the next requests, in order; after them the default answers. */
  enqueue(...behaviours: LlmBehaviour[]): void;
  setDefault(behaviour: LlmBehaviour): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that speaks OpenAI's chat-completions shape and lists its models, so the real
 * `openai` client runs against it: 200 with a structured answer, any status with OpenAI's error body (and
 * Retry-After), output that breaks the schema, or a request that never gets an answer.
 */
export async function startLlmStub(): Promise<LlmStub> {
  const queue: LlmBehaviour[] = [];
  let fallback: LlmBehaviour = { kind: 'summary' };
  const requests: LlmRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let concurrent = 0;
  let peakConcurrent = 0;
  let abandoned = 0;
  let closing = false;

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // What `relay check` asks an OpenAI-compatible server for: the models it serves (it takes any name).
    if (req.method === 'GET' && req.url === '/v1/models') {
      return send(res, 200, { object: 'list', data: [{ id: STUB_MODEL, object: 'model', created: 0, owned_by: 'llm-stub' }] });
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<LlmRequest, 'authorization' | 'traceparent'>;
    requests.push({ ...body, authorization: req.headers.authorization, traceparent: typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined });
    peakConcurrent = Math.max(peakConcurrent, ++concurrent);
    res.once('close', () => concurrent--);
    const behaviour = queue.shift() ?? fallback;
    switch (behaviour.kind) {
      case 'hang':
        hanging.add(res);
        res.on('close', () => {
          hanging.delete(res);
          if (!closing) abandoned += 1;
        });
        return;
      case 'status': {
        const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
        return send(res, behaviour.status, {
          error: { message: behaviour.message ?? `stub answered ${behaviour.status}`, type: 'stub_error', code: null, param: null },
        }, headers);
      }
      case 'invalid':
        return send(res, 200, completion(body.model, behaviour.content));
      case 'verdict':
        await behaviour.until;
        return send(res, 200, verdictCompletion(body, behaviour));
      case 'json':
        return send(res, 200, completion(body.model, JSON.stringify(behaviour.value)));
      case 'summary': {
        if (body.response_format?.json_schema?.name === 'comment_verdict') {
          return send(res, 200, verdictCompletion(body, { kind: 'verdict' }));
        }
        if (body.response_format?.json_schema?.name === 'lead_score') {
          return send(res, 200, completion(body.model, JSON.stringify(LEAD_SCORE)));
        }
        if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
        await behaviour.until;
        const title = /^Title: (.*)$/m.exec(body.messages.at(-1)?.content ?? '')?.[1] ?? 'the post';
        const summary = behaviour.summary ?? `A short summary of “${title}”.`;
        const description = behaviour.description ?? `What “${title}” tells you, in one line.`;
        return send(res, 200, completion(body.model, JSON.stringify({ summary, description })));
      }
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get peakConcurrent() {
      return peakConcurrent;
    },
    abandoned: () => abandoned,
    enqueue: (...behaviours) => queue.push(...behaviours),
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    close: async () => {
      closing = true;
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The model the stand-in lists; it answers to any name. */
const STUB_MODEL = 'llm-stub';

/** Keyword rules standing in for a model's judgement, so a test says what it means in the comment's own words. */
const VERDICT_RULES = [
  { pattern: /casino|viagra|cheap .*(pills|watches)|buy now/i, label: 'spam', confidence: 0.97, reason: 'Advertises a product with a link and has nothing to do with the post.' },
  { pattern: /idiot|stupid|shut up/i, label: 'toxic', confidence: 0.91, reason: 'Insults the author instead of discussing the post.' },
  { pattern: /\?/, label: 'question', confidence: 0.88, reason: 'Asks the author a question about the post.' },
] as const;

/** The stand-in's one lead score: a quote request worth following up. */
export const LEAD_SCORE = { intent: 'quote', score: 60, summary: 'Asks for a quote.', stage: 'qualified' } as const;

function verdictFor(body: Omit<LlmRequest, 'authorization' | 'traceparent'>, behaviour: Extract<LlmBehaviour, { kind: 'verdict' }>) {
  const comment = body.messages.at(-1)?.content.split('\nComment:\n')[1] ?? '';
  const rule = VERDICT_RULES.find((r) => r.pattern.test(comment)) ?? { label: 'ok', confidence: 0.9, reason: 'A friendly comment on the topic of the post.' };
  return {
    label: behaviour.label ?? rule.label,
    confidence: behaviour.confidence ?? rule.confidence,
    reason: behaviour.reason ?? rule.reason,
  };
}

/** The verdict as the message, and when asked for, its tokens: the label's log-probability is ln(confidence). */
function verdictCompletion(body: Omit<LlmRequest, 'authorization' | 'traceparent'>, behaviour: Extract<LlmBehaviour, { kind: 'verdict' }>) {
  const { label, confidence, reason } = verdictFor(body, behaviour);
  const content = JSON.stringify({ label, reason });
  const head = '{"label":"';
  const tokens = [
    { token: head, logprob: 0 },
    { token: label, logprob: Math.log(confidence) },
    { token: content.slice(head.length + label.length), logprob: 0 },
  ].map((t) => ({ ...t, bytes: [...Buffer.from(t.token)], top_logprobs: [] }));
  return completion(body.model, content, body.logprobs ? { content: tokens, refusal: null } : null);
}

function completion(model: string, content: string, logprobs: unknown = null) {
  return {
    id: `chatcmpl-stub-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
