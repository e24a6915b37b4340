import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLUGIN_FILE } from './constants';
import { phpString } from './php';

/**
 * A subdirectory multisite on the harness's site: what `wp core multisite-convert` does (the network tables, the
 * network and its main site in them), then the MULTISITE constants in wp-config.php, then the extra sites and the
 * plugin activated for the whole network. The main site keeps its address; site `path` is `<address>/<path>/`.
 * WordPress 6.8 only: 6.1's wp_insert_site() strips the port from a new site's domain, and the harness serves
 * WordPress on a port of its own.
 */
export interface NetworkOptions {
  /** The other sites' paths, e.g. `['second']`; created before the plugin is network-activated. */
  readonly sites: readonly string[];
}

/** wp-config.php loads the network's constants from here once the network exists (before that, a single site). */
export const NETWORK_CONFIG_INCLUDE = `if (is_file(dirname(__DIR__) . '/network.php')) { require dirname(__DIR__) . '/network.php'; }`;

/**
 * Subdirectory multisite's rewrite rules (the .htaccess WordPress gives a network) for `php -S`: a site's
 * `/<site>/wp-admin/…`, `/<site>/wp-includes/…`, `/<site>/wp-content/…` and `/<site>/….php` are the network's own
 * files; anything else that is not a file goes to index.php, which finds the site by its path.
 */
export const NETWORK_ROUTER = `<?php
$__root = $_SERVER['DOCUMENT_ROOT'];
$__path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if (is_file($__root . $__path) || (str_ends_with($__path, '/') && is_file($__root . $__path . 'index.php'))) {
  return false; // A file at its own address: php -S serves it as it is.
}
if (preg_match('#^/[_0-9a-zA-Z-]+(/(?:wp-(?:content|admin|includes).*|.*\\.php))$#', $__path, $__m)) {
  $__path = str_ends_with($__m[1], '/') ? $__m[1] . 'index.php' : $__m[1];
}
if (!is_file($__root . $__path)) {
  $__path = '/index.php';
} elseif (!str_ends_with($__path, '.php')) {
  $__types = array('css' => 'text/css', 'js' => 'text/javascript', 'svg' => 'image/svg+xml', 'png' => 'image/png', 'gif' => 'image/gif', 'woff2' => 'font/woff2', 'woff' => 'font/woff', 'ttf' => 'font/ttf', 'json' => 'application/json');
  header('Content-Type: ' . ($__types[strtolower(pathinfo($__path, PATHINFO_EXTENSION))] ?? 'application/octet-stream'));
  readfile($__root . $__path);
  return true;
}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $__path;
$_SERVER['SCRIPT_FILENAME'] = $__root . $__path;
chdir(dirname($__root . $__path));
require $__root . $__path;
`;

/** Turns the single site at `baseUrl` into a network's main site (run inside WordPress as it is, single-site). */
export function convertToNetworkScript(domain: string): string {
  return `
global $wpdb;
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
// A single site's $wpdb knows no network tables; WP-CLI's multisite-convert names them the same way.
foreach ($wpdb->tables('ms_global') as $table => $prefixed) { $wpdb->$table = $prefixed; }
install_network();
$result = populate_network(1, ${phpString(domain)}, get_option('admin_email'), 'wp-ai-relay test network', '/', false);
if (is_wp_error($result)) { fwrite(STDERR, $result->get_error_message()); exit(1); }
`;
}

/** The constants that make WordPress load as that network; the CLI's requests name its domain as their host. */
export async function writeNetworkConfig(dir: string, domain: string): Promise<void> {
  const constants = { MULTISITE: true, SUBDOMAIN_INSTALL: false, DOMAIN_CURRENT_SITE: domain, PATH_CURRENT_SITE: '/', SITE_ID_CURRENT_SITE: 1, BLOG_ID_CURRENT_SITE: 1 };
  const lines = Object.entries(constants).map(([name, value]) => `define(${phpString(name)}, ${typeof value === 'string' ? phpString(value) : String(value)});`);
  await writeFile(join(dir, 'network.php'), `<?php\n${lines.join('\n')}\nif (PHP_SAPI === 'cli') { $_SERVER['HTTP_HOST'] = ${phpString(domain)}; }\n`);
}

/**
 * The other sites (pretty permalinks, so /<site>/wp-json/ works), then the plugin activated network-wide. WordPress
 * looks Application Passwords up only once a network option says one was made; the single site said so in its own
 * options, which a network no longer reads.
 */
export function populateNetworkScript(domain: string, network: NetworkOptions, activatePlugin: boolean): string {
  const sites = network.sites
    .map(
      (path) => `
$id = wp_insert_site(array('domain' => ${phpString(domain)}, 'path' => ${phpString(`/${path}/`)}, 'title' => ${phpString(`Site ${path}`)}, 'user_id' => 1));
if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
switch_to_blog($id);
$GLOBALS['wp_rewrite']->set_permalink_structure('/%postname%/');
update_option('timezone_string', 'UTC');
flush_rewrite_rules(false);
restore_current_blog();`,
    )
    .join('\n');
  const activate = activatePlugin
    ? `
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$activated = activate_plugin(${phpString(PLUGIN_FILE)}, '', true);
if (is_wp_error($activated)) { fwrite(STDERR, $activated->get_error_message()); exit(1); }`
    : '';
  return `update_network_option(get_main_network_id(), 'using_application_passwords', true);\n${sites}\n${activate}\n`;
}
