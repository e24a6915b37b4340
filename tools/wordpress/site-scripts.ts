import { PLUGIN_FILE } from './constants';
import { phpString } from './php';
import type { WordPressOptions } from './types';

/** What makes a copy of the installed template this site: its URL, admin password, plugin and options. */
export function setupScript(baseUrl: string, adminPassword: string, options: WordPressOptions): string {
  const activate =
    options.activatePlugin === false || options.installPlugin === false
      ? ''
      : `require_once ABSPATH . 'wp-admin/includes/plugin.php';
$activated = activate_plugin(${phpString(PLUGIN_FILE)});
if (is_wp_error($activated)) { fwrite(STDERR, $activated->get_error_message()); exit(1); }`;
  return `
update_option('siteurl', ${phpString(baseUrl)});
update_option('home', ${phpString(baseUrl)});
wp_set_password(${phpString(adminPassword)}, 1);
flush_rewrite_rules(false);
${activate}
${setOptionsScript(options.options ?? {})}
[$password] = WP_Application_Passwords::create_new_application_password(1, array('name' => 'wp-ai-relay tests'));
echo wp_json_encode(array('appPassword' => $password));
`;
}

export function setOptionsScript(options: Readonly<Record<string, unknown>>): string {
  return `foreach (json_decode(${phpString(JSON.stringify(options))}, true) as $name => $value) {
  update_option($name, $value);
}
`;
}

/** Moves every scheduled WP-Cron event `seconds` earlier, as if that much time had passed. */
export function shiftCronScript(seconds: number): string {
  return `
$shifted = array();
foreach (_get_cron_array() as $timestamp => $hooks) {
  $at = $timestamp - ${Math.floor(seconds)};
  $shifted[$at] = array_merge($shifted[$at] ?? array(), $hooks);
}
ksort($shifted);
_set_cron_array($shifted);
`;
}
