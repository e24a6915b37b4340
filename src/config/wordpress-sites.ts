import { siteKey } from '../../contract/wordpress-sites';

/**
 * WP_SITES: the sites one relay writes back to, for a multisite network (or several sites) behind one relay.
 * Comma-separated entries, each a site's address as its events name it (the site's home URL, e.g.
 * `https://example.com/shop/`), where the relay also reaches its REST API; or `address=base URL` when the relay
 * reaches it elsewhere (`https://example.com/shop/=http://wordpress/shop`). Answers address → base URL (no trailing
 * slash, like WP_BASE_URL); throws an Error that names the entry at fault.
 */
export function parseWordPressSites(value: string): Record<string, string> {
  const sites: Record<string, string> = {};
  for (const entry of value.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [address = '', base = address, ...rest] = entry.split('=').map((part) => part.trim());
    if (rest.length > 0 || !isHttpUrl(address) || !isHttpUrl(base)) {
      throw new Error(`"${entry}" is not a site: write its address (http(s)://host/path/), or address=base URL`);
    }
    const key = siteKey(address);
    if (key in sites) throw new Error(`${key} is listed twice`);
    sites[key] = base.replace(/\/+$/, '');
  }
  if (Object.keys(sites).length === 0) throw new Error('lists no site: write the sites\' addresses, comma-separated');
  return sites;
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
