<?php
/**
 * Translations: the plugin's strings are in the `wp-ai-relay` text domain; the repository's scripts/make-pot.sh
 * generates their template, languages/wp-ai-relay.pot.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/**
 * Translations shipped in the plugin's languages/; language packs in wp-content/languages/plugins/ are found
 * without this, and take precedence.
 */
function ai_relay_load_textdomain(): void {
	load_plugin_textdomain( 'wp-ai-relay', false, dirname( plugin_basename( AI_RELAY_FILE ) ) . '/languages' );
}
