import type { NetworkOptions } from './network';
import type { WordPressSeries } from './versions';

export type ConfigValue = string | number | boolean;

export interface WordPressOptions {
  /** Extra `wp-config.php` constants, e.g. `{ AI_RELAY_SECRET: '…' }`; they override the harness defaults. */
  readonly constants?: Readonly<Record<string, ConfigValue>>;
  /** Options stored with `update_option` after the plugin is activated, e.g. `{ ai_relay_endpoint: url }`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /**
   * PHP statements for `wp-config.php`, run before the harness's own constants (which give way to constants it
   * defines), e.g. a deployment's configuration file to boot WordPress exactly as that deployment does.
   */
  readonly configExtra?: string;
  /** Which WordPress; by default TEST_WORDPRESS's (6.8 when unset). */
  readonly version?: WordPressSeries;
  /**
   * A subdirectory multisite: this site is the network's main site, and `sites` are created at `<baseUrl>/<path>/`
   * before the plugin is activated for the whole network. `runPhp` runs on the main site (`switch_to_blog()` for
   * another), `rest` talks to the main site.
   */
  readonly network?: NetworkOptions;
  /** Activate the wp-ai-relay plugin (default true; network-wide on a network). */
  readonly activatePlugin?: boolean;
  /**
   * Put the wp-ai-relay plugin into wp-content/plugins (default true). False leaves the site as one before the
   * plugin is installed (and so not activated): a test installs it the way a user would.
   */
  readonly installPlugin?: boolean;
  /** Keep the temp dir (database, logs, site root) after `stop()`. `WP_HARNESS_KEEP=1` does the same. */
  readonly keep?: boolean;
}

export interface WordPress {
  /** `http://127.0.0.1:<port>`, no trailing slash. Pretty permalinks are on, so `/wp-json/…` works. */
  readonly baseUrl: string;
  /** The WordPress version this site runs. */
  readonly version: WordPressSeries;
  readonly adminUser: string;
  /** The admin's login password, for wp-login.php (browser tests). */
  readonly adminPassword: string;
  /** An Application Password of the admin, for the REST API. */
  readonly appPassword: string;
  /** `Basic …` header value for `adminUser` + `appPassword`. */
  readonly authorization: string;
  readonly dbName: string;
  /** The temp dir: site root (`site/`), database (`db/`), `debug.log`, `php-server.log`, `mariadb.log`. */
  readonly dir: string;
  /** `fetch` against the REST API (`path` like `/wp/v2/posts`), authenticated with the Application Password. */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** Runs PHP statements inside WordPress (wp-load.php, current user = admin); resolves to stdout. */
  runPhp(code: string): Promise<string>;
  /**
   * Runs due WP-Cron events through `wp-cron.php`, as a real request. `advance` first moves every scheduled event
   * that many seconds earlier, as if that much time had passed. WP-Cron never runs on its own here.
   */
  runCron(options?: { advance?: number }): Promise<void>;
  /** `update_option` for each entry (plugin settings, for instance), as one PHP run. */
  setOptions(options: Readonly<Record<string, unknown>>): Promise<void>;
  /** Logs in through wp-login.php and returns the `Cookie` header value of the session. */
  login(): Promise<string>;
  /** What WordPress logged (WP_DEBUG_LOG): PHP notices, warnings, errors. */
  debugLog(): Promise<string>;
  stop(): Promise<void>;
}
