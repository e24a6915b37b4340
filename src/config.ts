import { z } from 'zod';
import { LLM_START_TO_CLOSE_MS, WORDPRESS_START_TO_CLOSE_MS } from '../workflows/activity-options';
import { parseSecrets, type SigningSecret } from './webhooks/secrets';

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

const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/ }).optional());

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const configSchema = z
  .object({
    PORT: port(8000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    WP_RELAY_SECRET: optionalString,
    WP_RELAY_SECRETS: optionalString,
    WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
    MAX_IN_FLIGHT_STARTS: z.coerce.number().int().min(1).default(512),
    TEMPORAL_START_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),

    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('wp-ai-relay'),
    TEMPORAL_CLI_PATH: optionalString,
    TEMPORAL_DEV_DB_FILE: z.string().min(1).default('.data/temporal.db'),
    TEMPORAL_DEV_PORT: port(7233),
    TEMPORAL_DEV_UI_PORT: port(8233),
    TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(14),

    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    OPENAI_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .lt(LLM_START_TO_CLOSE_MS, `must stay below the LLM activity's ${LLM_START_TO_CLOSE_MS} ms timeout`)
      .default(45_000),

    WP_BASE_URL: optionalUrl,
    WP_USERNAME: optionalString,
    WP_APP_PASSWORD: optionalString,
    WP_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .lt(WORDPRESS_START_TO_CLOSE_MS, `must stay below the WordPress activity's ${WORDPRESS_START_TO_CLOSE_MS} ms timeout`)
      .default(10_000),

    CRM_WEBHOOK_URL: optionalUrl,

    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  })
  .transform((e, ctx) => {
    const embedded = e.TEMPORAL_ADDRESS === undefined;
    let secrets: SigningSecret[] = [];
    try {
      secrets = readSecrets(e, embedded);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [e.WP_RELAY_SECRETS ? 'WP_RELAY_SECRETS' : 'WP_RELAY_SECRET'], message: (error as Error).message });
      return z.NEVER;
    }
    return {
      port: e.PORT,
      host: e.HOST,
      logLevel: e.LOG_LEVEL,
      webhook: {
        secrets,
        /** True when no secret was configured and the embedded dev server is in use. */
        usingDevSecret: e.WP_RELAY_SECRET === undefined && e.WP_RELAY_SECRETS === undefined,
        toleranceSeconds: e.WEBHOOK_TOLERANCE_SECONDS,
        maxBodyBytes: e.MAX_BODY_BYTES,
        maxInFlightStarts: e.MAX_IN_FLIGHT_STARTS,
      },
      temporal: {
        /** Undefined means: start an embedded `temporal server start-dev`. */
        address: e.TEMPORAL_ADDRESS,
        namespace: e.TEMPORAL_NAMESPACE,
        taskQueue: e.TEMPORAL_TASK_QUEUE,
        startTimeoutMs: e.TEMPORAL_START_TIMEOUT_MS,
        retentionDays: e.TEMPORAL_RETENTION_DAYS,
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
      },
      wordpress: {
        baseUrl: e.WP_BASE_URL?.replace(/\/+$/, ''),
        username: e.WP_USERNAME,
        appPassword: e.WP_APP_PASSWORD,
        timeoutMs: e.WP_TIMEOUT_MS,
      },
      crm: { webhookUrl: e.CRM_WEBHOOK_URL },
      worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    };
  });

export type Config = z.output<typeof configSchema>;

function readSecrets(
  e: { WP_RELAY_SECRET?: string | undefined; WP_RELAY_SECRETS?: string | undefined },
  embedded: boolean,
): SigningSecret[] {
  if (e.WP_RELAY_SECRET && e.WP_RELAY_SECRETS) throw new Error('set WP_RELAY_SECRET or WP_RELAY_SECRETS, not both');
  if (e.WP_RELAY_SECRETS) return parseSecrets(e.WP_RELAY_SECRETS, { keyed: true });
  if (e.WP_RELAY_SECRET) return parseSecrets(e.WP_RELAY_SECRET, { keyed: false });
  if (!embedded) {
    throw new Error('required when TEMPORAL_ADDRESS is set (or WP_RELAY_SECRETS="kid1:secret1,kid2:secret2")');
  }
  return parseSecrets(DEV_SECRET, { keyed: false });
}

/** Thrown when the environment is invalid; its message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (fix these environment variables and start again):\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses the environment once. The only reader of process.env in the project. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return Object.freeze(parsed.data);
}
