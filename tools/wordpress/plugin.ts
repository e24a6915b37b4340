import type { WordPress } from './types';

/** One row of the plugin's outbox, as stored. */
export interface OutboxRow {
  readonly id: number;
  readonly idempotency_key: string;
  readonly event: string;
  readonly object_id: number;
  readonly body: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly last_http_status: number | null;
  readonly last_response: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** The plugin's outbox, oldest row first. */
export async function readOutbox(wp: WordPress): Promise<OutboxRow[]> {
  const json = await wp.runPhp(
    "global $wpdb; echo wp_json_encode($wpdb->get_results(\"SELECT * FROM {$wpdb->prefix}ai_relay_outbox ORDER BY id\", ARRAY_A));",
  );
  const numeric = new Set(['id', 'object_id', 'attempts', 'next_attempt_at', 'last_http_status', 'created_at', 'updated_at']);
  return (JSON.parse(json) as Record<string, string | null>[]).map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, numeric.has(k) && v !== null ? Number(v) : v]),
      ) as unknown as OutboxRow,
  );
}

/**
 * As if `seconds` had passed for the plugin: pending outbox rows and WP-Cron events fall due that much earlier,
 * then WP-Cron runs. Retries are minutes to hours apart; tests should not wait for them.
 */
export async function elapse(wp: WordPress, seconds: number): Promise<void> {
  await wp.runPhp(
    `global $wpdb; $wpdb->query($wpdb->prepare("UPDATE {$wpdb->prefix}ai_relay_outbox SET next_attempt_at = GREATEST(CAST(next_attempt_at AS SIGNED) - %d, 0) WHERE status = 'pending'", ${Math.floor(seconds)}));`,
  );
  await wp.runCron({ advance: seconds });
}

/**
 * The lines of WordPress's debug log (PHP notices, warnings, errors) that point into the plugin, whether it is
 * loaded through the site's symlink or by its path in this repository.
 */
export async function pluginLogLines(wp: WordPress): Promise<string[]> {
  return (await wp.debugLog()).split('\n').filter((line) => /(wordpress-plugin|plugins)\/wp-ai-relay\//.test(line));
}
