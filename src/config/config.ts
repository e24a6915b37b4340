import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { msToNumber } from '@temporalio/common/lib/time';
import { DEFAULT_GIVE_UP_AFTER, LLM_START_TO_CLOSE_MS, WORDPRESS_START_TO_CLOSE_MS } from '../../contract/activity-options';
import { DEFAULT_TASK_QUEUE } from '../../contract/workflow-ids';
import { parsePayloadKeys } from '../codec/keys';
import { parseSecrets, type SigningSecret } from '../../contract/secrets';
import { parseWordPressSites } from './wordpress-sites';

/**
 * The development secret used only when the relay runs on its embedded Temporal dev server and no secret is
 * configured, so `npm start` works on a fresh clone. A relay pointed at a real cluster (TEMPORAL_ADDRESS set)
 * refuses to start without a secret of its own.
 */
export const DEV_SECRET = 'wp-ai-relay-dev-secret';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** An http(s) URL; the usual slip, a URL without its scheme (`localhost:11434/v1`), is answered with the fix. */
const optionalUrl = optionalString.pipe(
  z
    .string()
    .refine((value) => /^https?:\/\//i.test(value), {
      error: (issue) => `must start with http:// or https:// — did you mean http://${String(issue.input).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')}?`,
      abort: true,
    })
    .pipe(z.url({ protocol: /^https?$/, error: 'must be a URL such as https://example.com' }))
    .optional(),
);

const confidence = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

const port = (fallback: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535, {
      error: (issue) => `must be a port number (0-65535), not "${String(issue.input)}"`,
    })
    .transform(Number);

/** A value parsed where it is read, so that its problem is listed with every other one. */
const optionalParsed = <T>(parse: (value: string) => T) =>
  optionalString.transform((value, ctx): T | undefined => {
    if (value === undefined) return undefined;
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const optionalSecrets = (keyed: boolean) => optionalParsed((value): SigningSecret[] => parseSecrets(value, { keyed }));
const optionalPayloadKeys = optionalParsed(parsePayloadKeys);
const optionalWordPressSites = optionalParsed(parseWordPressSites);

/** host:port for a listening socket, e.g. `0.0.0.0:9464`. */
const optionalBindAddress = optionalString.pipe(
  z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464').optional(),
);

const MIN_GIVE_UP_MS = 60_000;
const MAX_GIVE_UP_MS = 30 * 24 * 3_600_000;

/** A Temporal duration (`24h`, `90m`, `2 days`), kept as written: it is what the Web UI shows. */
const giveUpDuration = z
  .string()
  .trim()
  .default(DEFAULT_GIVE_UP_AFTER)
  .refine((value) => {
    try {
      const ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
      return ms >= MIN_GIVE_UP_MS && ms <= MAX_GIVE_UP_MS;
    } catch {
      return false;
    }
  }, 'must be a duration between 1m and 30d, e.g. 24h or 36h');

const tracingEnv = z.object({
  OTEL_SDK_DISABLED: z.stringbool().optional(),
  OTEL_TRACES_EXPORTER: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: optionalString,
});

/** Tracing is on when an exporter or an OTLP endpoint is named, and neither OTEL_SDK_DISABLED nor `none` says no. */
function tracingOf(e: z.output<typeof tracingEnv>) {
  const exporters = e.OTEL_TRACES_EXPORTER?.split(',').map((name) => name.trim()) ?? [];
  const named = exporters.length > 0 || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
  return {
    enabled: e.OTEL_SDK_DISABLED !== true && named && !exporters.includes('none'),
    /** Set: the SDK names the service from it; unset: each process names itself (wp-ai-relay-receiver, ...). */
    serviceName: e.OTEL_SERVICE_NAME,
  };
}

const envSchema = z.object({
  PORT: port(8000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  WP_RELAY_SECRET: optionalSecrets(false),
  WP_RELAY_SECRETS: optionalSecrets(true),
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  MAX_IN_FLIGHT_STARTS: z.coerce.number().int().min(1).default(512),
  TEMPORAL_START_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  // Slow senders: a request's head and its body each have a deadline of their own (408 past it).
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_DB_FILE: z.string().min(1).default('.data/temporal.db'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_DEV_UI_PORT: port(8233),
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  // Secured clusters (Temporal Cloud or self-hosted with TLS); the names are the `temporal` CLI's own.
  TEMPORAL_TLS: z.stringbool().optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .lt(LLM_START_TO_CLOSE_MS, `must stay below the LLM activity's ${LLM_START_TO_CLOSE_MS} ms timeout`)
    .default(45_000),
  // How the server is asked for structured output and a bounded answer (docs/llm-servers.md has one recipe per
  // server): json_schema (OpenAI's strict schema; llama.cpp, vLLM, Ollama, LM Studio) or json_object (JSON mode,
  // the schema in the prompt); max_completion_tokens (OpenAI, llama.cpp, vLLM) or max_tokens (Ollama, LM Studio).
  OPENAI_STRUCTURED_OUTPUT: z.enum(['json_schema', 'json_object']).default('json_schema'),
  OPENAI_MAX_TOKENS_FIELD: z.enum(['max_completion_tokens', 'max_tokens']).default('max_completion_tokens'),

  WP_BASE_URL: optionalUrl,
  // Several sites (a multisite network) behind one relay: each site's address, or address=base URL (wordpress-sites.ts).
  WP_SITES: optionalWordPressSites,
  WP_USERNAME: optionalString,
  WP_APP_PASSWORD: optionalString,
  WP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .lt(WORDPRESS_START_TO_CLOSE_MS, `must stay below the WordPress activity's ${WORDPRESS_START_TO_CLOSE_MS} ms timeout`)
    .default(10_000),

  CRM_WEBHOOK_URL: optionalUrl,
  // Leads (enrichLead) and payload encryption (src/codec/): the CRM's own signing secret, and the codec's keys.
  CRM_WEBHOOK_SECRET: optionalString,
  CRM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .lt(WORDPRESS_START_TO_CLOSE_MS, `must stay below the CRM activity's ${WORDPRESS_START_TO_CLOSE_MS} ms timeout`)
    .default(10_000),
  PAYLOAD_ENCRYPTION_KEYS: optionalPayloadKeys,
  PAYLOAD_KEY_FILE: z.string().min(1).default('.data/payload-keys'),
  CODEC_CORS_ORIGINS: optionalString,
  CODEC_AUTH_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters long').optional()),

  // comment.created: the least confidence at which each label's verdict is applied; below it, hold for a human.
  MODERATION_SPAM_THRESHOLD: confidence(0.8),
  MODERATION_TOXIC_THRESHOLD: confidence(0.7),
  MODERATION_QUESTION_THRESHOLD: confidence(0.6),
  MODERATION_OK_THRESHOLD: confidence(0.6),
  // Automatic Spam (docs/llm-servers.md, "Automatic Spam"): off unless the site asks for it AND `relay eval` measured
  // the configured model's spam precision (MODERATION_SPAM_PRECISION, for MODERATION_SPAM_PRECISION_MODEL, which
  // must be OPENAI_MODEL) at or above MODERATION_MIN_SPAM_PRECISION. Otherwise spam verdicts are held for a human.
  MODERATION_AUTO_SPAM: z.stringbool().default(false),
  MODERATION_SPAM_PRECISION: z.coerce.number().min(0).max(1).optional(),
  MODERATION_SPAM_PRECISION_MODEL: optionalString,
  MODERATION_MIN_SPAM_PRECISION: confidence(0.98),

  // Batches and edits (batchEnrich, debouncePostUpdates): the fan-out and the quiet period, read by the worker.
  BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
  BATCH_CHILDREN_PER_RUN: z.coerce.number().int().min(10).max(10_000).default(1000),
  EDIT_QUIET_SECONDS: z.coerce.number().min(0.1).max(86_400).default(120),

  // Tokens a site may spend per UTC day; past it, AI steps of runs started meanwhile wait for the next day.
  TOKEN_BUDGET_PER_DAY: z.coerce.number().int().min(1).optional(),

  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  WORKER_METRICS_ADDRESS: optionalBindAddress,

  // Retries and shutdown (docs/operations.md, "When a run gives up"). The give-up point is recorded in each run's
  // memo when it starts, so a change applies to runs started after it and the Web UI shows each run's own.
  ACTIVITY_GIVE_UP_AFTER: giveUpDuration,
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),

  // Secrets as files (Docker and Kubernetes secrets, docker-compose.yml's relay-setup): the path of a file holding
  // the value, read once at start-up by loadConfig. Set the variable or its _FILE, not both.
  WP_RELAY_SECRET_FILE: optionalString,
  PAYLOAD_ENCRYPTION_KEYS_FILE: optionalString,
  WP_APP_PASSWORD_FILE: optionalString,
  // Tracing (docs/operations.md, "Tracing"). The OpenTelemetry SDK reads every OTEL_* variable itself (protocol,
  // headers, sampler, resource); these few decide only whether it starts at all, so with none set no SDK code runs.
  ...tracingEnv.shape,
});

/** The variables that may come from a file named by `<NAME>_FILE`. */
const FILE_VARIABLES = ['WP_RELAY_SECRET', 'PAYLOAD_ENCRYPTION_KEYS', 'WP_APP_PASSWORD'] as const;

/** Every environment variable the relay reads; deployment files are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

const configSchema = envSchema
  .transform((e) => {
    const embedded = e.TEMPORAL_ADDRESS === undefined;
    // Only the receiver needs a secret; loadConfig's `needs` (or requireWebhookSecrets) makes it required.
    const secrets = e.WP_RELAY_SECRETS ?? e.WP_RELAY_SECRET ?? (embedded ? parseSecrets(DEV_SECRET, { keyed: false }) : []);
    const payloadKeys = e.PAYLOAD_ENCRYPTION_KEYS;
    return {
      port: e.PORT,
      host: e.HOST,
      logLevel: e.LOG_LEVEL,
      webhook: {
        secrets,
        /** True when no secret was configured and the embedded dev server is in use. */
        usingDevSecret: embedded && e.WP_RELAY_SECRET === undefined && e.WP_RELAY_SECRETS === undefined,
        toleranceSeconds: e.WEBHOOK_TOLERANCE_SECONDS,
        maxBodyBytes: e.MAX_BODY_BYTES,
        maxInFlightStarts: e.MAX_IN_FLIGHT_STARTS,
        headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
        bodyTimeoutMs: e.BODY_TIMEOUT_MS,
      },
      temporal: {
        /** Undefined means: start an embedded `temporal server start-dev`. */
        address: e.TEMPORAL_ADDRESS,
        namespace: e.TEMPORAL_NAMESPACE,
        taskQueue: e.TEMPORAL_TASK_QUEUE,
        startTimeoutMs: e.TEMPORAL_START_TIMEOUT_MS,
        retentionDays: e.TEMPORAL_RETENTION_DAYS,
        tls: {
          /** On when asked for, or implied by a certificate, a server name or an API key. */
          enabled:
            e.TEMPORAL_TLS ??
            [e.TEMPORAL_TLS_SERVER_CA_CERT_PATH, e.TEMPORAL_TLS_CLIENT_CERT_PATH, e.TEMPORAL_TLS_SERVER_NAME, e.TEMPORAL_API_KEY].some(
              (v) => v !== undefined,
            ),
          caPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
          certPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        },
        apiKey: e.TEMPORAL_API_KEY,
        dev: {
          cliPath: e.TEMPORAL_CLI_PATH,
          dbFile: e.TEMPORAL_DEV_DB_FILE,
          port: e.TEMPORAL_DEV_PORT,
          uiPort: e.TEMPORAL_DEV_UI_PORT,
        },
      },
      openai: {
        apiKey: e.OPENAI_API_KEY,
        baseURL: e.OPENAI_BASE_URL,
        model: e.OPENAI_MODEL,
        timeoutMs: e.OPENAI_TIMEOUT_MS,
        structuredOutput: e.OPENAI_STRUCTURED_OUTPUT,
        maxTokensField: e.OPENAI_MAX_TOKENS_FIELD,
      },
      wordpress: {
        baseUrl: e.WP_BASE_URL?.replace(/\/+$/, ''),
        sites: e.WP_SITES,
        username: e.WP_USERNAME,
        appPassword: e.WP_APP_PASSWORD,
        timeoutMs: e.WP_TIMEOUT_MS,
      },
      crm: { webhookUrl: e.CRM_WEBHOOK_URL, secret: e.CRM_WEBHOOK_SECRET, timeoutMs: e.CRM_TIMEOUT_MS },
      worker: {
        maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
        metricsAddress: e.WORKER_METRICS_ADDRESS,
        shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
      },
      retry: { giveUpAfter: e.ACTIVITY_GIVE_UP_AFTER },
      /** Recorded in each run's memo by the receiver, like the give-up point. */
      tokenBudgetPerDay: e.TOKEN_BUDGET_PER_DAY,
      moderation: {
        thresholds: {
          spam: e.MODERATION_SPAM_THRESHOLD,
          toxic: e.MODERATION_TOXIC_THRESHOLD,
          question: e.MODERATION_QUESTION_THRESHOLD,
          ok: e.MODERATION_OK_THRESHOLD,
        },
        autoSpam: e.MODERATION_AUTO_SPAM,
        spamPrecision: e.MODERATION_SPAM_PRECISION,
        spamPrecisionModel: e.MODERATION_SPAM_PRECISION_MODEL,
        minSpamPrecision: e.MODERATION_MIN_SPAM_PRECISION,
      },
      payloadEncryption: {
        keys: payloadKeys,
        /** Embedded mode without PAYLOAD_ENCRYPTION_KEYS: the keys live in (and are created in) this file. */
        keyFile: embedded && payloadKeys === undefined ? e.PAYLOAD_KEY_FILE : undefined,
      },
      codec: {
        /** The Web UI origins allowed to call /codec/*; by default the embedded Web UI's. */
        corsOrigins: e.CODEC_CORS_ORIGINS?.split(',').map((o) => o.trim().replace(/\/+$/, '')) ?? [
          `http://127.0.0.1:${e.TEMPORAL_DEV_UI_PORT}`,
          `http://localhost:${e.TEMPORAL_DEV_UI_PORT}`,
        ],
        authToken: e.CODEC_AUTH_TOKEN,
      },
      tracing: tracingOf(e),
      automation: {
        batchConcurrency: e.BATCH_CONCURRENCY,
        batchChildrenPerRun: e.BATCH_CHILDREN_PER_RUN,
        editQuietMs: Math.round(e.EDIT_QUIET_SECONDS * 1000),
      },
    };
  });

export type Config = z.output<typeof configSchema>;

/** The receiver's start-up check: pointed at a real cluster, it never falls back on the public dev secret. */
export function requireWebhookSecrets(config: Config): void {
  if (config.webhook.secrets.length > 0) return;
  throw new ConfigError([SECRET_REQUIRED]);
}

const SECRET_REQUIRED = 'WP_RELAY_SECRET: required when TEMPORAL_ADDRESS is set (or WP_RELAY_SECRETS="kid1:secret1,kid2:secret2")';

/** What a process is about to do with the configuration, so a missing setting it needs is listed with the rest. */
export interface ConfigNeeds {
  /** It receives webhooks: a real cluster needs a secret of its own. */
  readonly webhookSecret?: boolean;
  /** It reads or writes payloads: a real cluster needs PAYLOAD_ENCRYPTION_KEYS (resolvePayloadCodec). */
  readonly payloadKeys?: boolean;
}

/**
 * The rules that relate several variables. They are checked on the raw values, not in the schema, so that they are
 * listed even when another variable is malformed (zod skips an object's refinements once a field has failed).
 */
function crossFieldProblems(env: NodeJS.ProcessEnv, needs: ConfigNeeds): string[] {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const problems: string[] = [];
  if (set('TEMPORAL_TLS_CLIENT_CERT_PATH') !== set('TEMPORAL_TLS_CLIENT_KEY_PATH')) {
    const absent = set('TEMPORAL_TLS_CLIENT_CERT_PATH') ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
    problems.push(`${absent}: mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`);
  }
  const wantsTls = ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'];
  if (/^(false|0|no|off|n|disabled)$/i.test(env.TEMPORAL_TLS?.trim() ?? '') && wantsTls.some(set)) {
    problems.push('TEMPORAL_TLS: is false, but TLS files, a server name or an API key are set; remove TEMPORAL_TLS=false or those');
  }
  if (set('WP_RELAY_SECRET') && set('WP_RELAY_SECRETS')) problems.push('WP_RELAY_SECRET: set WP_RELAY_SECRET or WP_RELAY_SECRETS, not both');
  if (set('TEMPORAL_ADDRESS')) {
    if (needs.webhookSecret && !set('WP_RELAY_SECRET') && !set('WP_RELAY_SECRETS')) problems.push(SECRET_REQUIRED);
    if (needs.payloadKeys && !set('PAYLOAD_ENCRYPTION_KEYS')) problems.push(PAYLOAD_KEYS_REQUIRED);
  }
  return problems;
}

export const PAYLOAD_KEYS_REQUIRED =
  'PAYLOAD_ENCRYPTION_KEYS: required when TEMPORAL_ADDRESS is set, so payloads are encrypted in Temporal ' +
  '(e.g. PAYLOAD_ENCRYPTION_KEYS="k1:$(openssl rand -base64 32)"; the same value for receiver, worker and CLI)';

/** Thrown when the environment is invalid; its message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (fix these environment variables and start again):\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Whether tracing is asked for, read before anything else loads: OpenTelemetry's HTTP instrumentation must hook
 * `http` before Koa requires it. An invalid value reads as "no"; loadConfig then reports it.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const parsed = tracingEnv.safeParse(env);
  return parsed.success && tracingOf(parsed.data).enabled;
}

/**
 * Parses the environment once and lists every problem in one error, `needs` included. The only reader of
 * process.env in the project.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: ConfigNeeds = {}): Config {
  const { values, problems } = readFileVariables(env);
  const parsed = configSchema.safeParse(values);
  const all = [
    ...problems,
    ...(parsed.error?.issues.map((issue) => formatProblem(issue.path.join('.') || '(environment)', issue.message)) ?? []),
    ...crossFieldProblems(values, needs),
  ];
  if (all.length > 0 || !parsed.success) throw new ConfigError(all);
  return Object.freeze(parsed.data);
}

/** `PORT must be ...` reads as a sentence; other messages follow the variable's name after a colon. */
function formatProblem(variable: string, message: string): string {
  return /^must /.test(message) ? `${variable} ${message}` : `${variable}: ${message}`;
}

/** The environment with each `<NAME>_FILE` read into `<NAME>`; the trailing newline an editor adds is dropped. */
function readFileVariables(env: NodeJS.ProcessEnv): { values: NodeJS.ProcessEnv; problems: string[] } {
  const values = { ...env };
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`${name}_FILE: ${name} is set too; set one of them`);
      continue;
    }
    try {
      values[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    if (!values[name]?.trim()) problems.push(`${name}_FILE: ${path} is empty`);
  }
  return { values, problems };
}

/**
 * How the operator runs the CLI, for the commands it suggests: `npm run relay --` from the repository (npm names
 * the script it runs), `wp-ai-relay` when installed.
 */
export function cliName(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'relay' ? 'npm run relay --' : 'wp-ai-relay';
}
