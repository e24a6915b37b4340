import type { AutomationSettings } from '../contract/batch';
import type { ModerationThresholds } from '../contract/moderation-policy';

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
  };
  readonly wordpress: {
    readonly baseUrl?: string;
    readonly username?: string;
    readonly appPassword?: string;
    readonly timeoutMs: number;
  };
  readonly crm: { readonly webhookUrl?: string; readonly secret?: string; readonly timeoutMs: number };
  readonly automation: AutomationSettings;
  readonly moderation: { readonly thresholds: ModerationThresholds };
}
