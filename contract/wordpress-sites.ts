/**
 * Which WordPress a run writes back to. An event names its site (the plugin's `home_url('/')`, one per site of a
 * multisite network); the relay's configuration (WP_SITES) lists the sites it serves and where each one's REST API
 * is. The event only selects among configured addresses, so a payload can never point a write-back elsewhere.
 */

/** Where the activities of a run about `site` read and write; `site` undefined: runs started before sites were kept. */
export interface SiteTarget {
  readonly site?: string;
}

/** A site's address as events name it: normalised like an event's `site` (contract/events.ts), one trailing slash. */
export function siteKey(address: string): string {
  const url = new URL(address);
  url.hash = '';
  url.search = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/`;
  return url.toString();
}
