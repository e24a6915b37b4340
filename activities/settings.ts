import type { AutomationSettings } from '../contract/batch';
import type { ModerationConfig } from '../contract/moderation-policy';

/**
 * What the activities need of the relay's configuration. The worker (src/temporal/worker.ts) reads it from the
 * environment and passes it in, so activities never read configuration themselves and tests hand them their own.
 * A missing URL or credential is undefined here and fails the activity that needs it with a MissingConfig error.
 */
export interface ActivitySettings {
  readonly openai: {
    readonly apiKey?: string;
    readonly baseURL?: string;
    readonly model: string;
    readonly timeoutMs: number;
    /** OPENAI_STRUCTURED_OUTPUT and OPENAI_MAX_TOKENS_FIELD: the server's dialect (docs/llm-servers.md). */
    readonly structuredOutput: 'json_schema' | 'json_object';
    readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  };
  readonly wordpress: {
    readonly baseUrl?: string;
    /**
     * WP_SITES: for a relay serving several sites (a multisite network), each site's address as its events name it
     * (contract/wordpress-sites.ts siteKey) → the base URL of its REST API. Absent: every run uses baseUrl.
     */
    readonly sites?: Readonly<Record<string, string>>;
    readonly username?: string;
    readonly appPassword?: string;
    readonly timeoutMs: number;
  };
  readonly crm: { readonly webhookUrl?: string; readonly secret?: string; readonly timeoutMs: number };
  readonly automation: AutomationSettings;
  readonly moderation: ModerationConfig;
}
