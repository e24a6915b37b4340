import { siteKey } from '../contract/wordpress-sites';
import type { ActivitySettings } from './settings';
import { HttpStatusError, isNetworkFailure, MissingConfigError, originOf, ServiceUnreachableError } from './failures';

/**
 * The WordPress REST API with an Application Password. The base URL comes from configuration only, never from
 * an event, so a forged payload cannot point write-backs elsewhere.
 */
export class WordPressClient {
  private readonly authorization: string;

  constructor(private readonly options: { baseUrl: string; username: string; appPassword: string; timeoutMs: number }) {
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.appPassword}`).toString('base64')}`;
  }

  /**
   * The client of the site a run is about. With WP_SITES, the site must be one of its entries (an event from any
   * other site fails its run, which waits for the entry and a reset); without it, WP_BASE_URL serves every run.
   */
  static fromConfig(wordpress: ActivitySettings['wordpress'], site?: string): WordPressClient {
    const baseUrl = WordPressClient.baseUrlFor(wordpress, site);
    const missing = (['username', 'appPassword'] as const).filter((k) => !wordpress[k]);
    if (baseUrl === undefined || missing.length > 0) {
      const names = { username: 'WP_USERNAME', appPassword: 'WP_APP_PASSWORD' };
      throw new MissingConfigError([...(baseUrl === undefined ? [WordPressClient.baseUrlVariable(wordpress, site)] : []), ...missing.map((k) => names[k])]);
    }
    return new WordPressClient({
      baseUrl,
      username: wordpress.username!,
      appPassword: wordpress.appPassword!,
      timeoutMs: wordpress.timeoutMs,
    });
  }

  private static baseUrlFor(wordpress: ActivitySettings['wordpress'], site: string | undefined): string | undefined {
    return wordpress.sites === undefined || site === undefined ? wordpress.baseUrl : wordpress.sites[siteKey(site)];
  }

  private static baseUrlVariable(wordpress: ActivitySettings['wordpress'], site: string | undefined): string {
    return wordpress.sites === undefined || site === undefined ? 'WP_BASE_URL' : `WP_SITES (an entry for ${siteKey(site)})`;
  }

  /**
   * `path` is relative to /wp-json/, e.g. `wp/v2/posts/7?context=edit`. `signal` (an activity's cancellation)
   * aborts the call besides the client's own timeout.
   */
  async request(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const origin = originOf(this.options.baseUrl) ?? this.options.baseUrl;
    const response = await fetch(`${this.options.baseUrl}/wp-json/${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A redirect would turn a POST into a GET; better to fail and say which URL to configure.
      redirect: 'manual',
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    }).catch((error: unknown) => {
      throw isNetworkFailure(error) && !signal?.aborted ? new ServiceUnreachableError('WordPress', origin, error) : error;
    });
    if (response.status >= 300 && response.status < 400) {
      throw new HttpStatusError(
        'WordPress',
        response.status,
        null,
        `redirected to ${response.headers.get('location') ?? '?'}; set WP_BASE_URL to the final address`,
        origin,
      );
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const code = /"code"\s*:\s*"([^"]{1,100})"/.exec(text)?.[1];
      throw new HttpStatusError(
        'WordPress',
        response.status,
        response.headers,
        `${method} /wp-json/${path.split('?')[0]}${code ? ` (${code})` : ''}`,
        origin,
      );
    }
    return response.json();
  }
}
