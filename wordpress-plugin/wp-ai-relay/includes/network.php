<?php
/**
 * Multisite: a network activation sets up every site (its outbox table, role and schedules live in that site's own
 * tables), a site created later is set up when WordPress initialises it, and a deleted site's outbox goes with its
 * other tables. Settings a network administrator stores in Network Admin → Settings → AI Relay are the defaults of
 * every site (`site_option`s, read through WordPress's `default_option_{$option}` filter); a site's own setting
 * overrides its default, and a site that saves its default back keeps following the network.
 *
 * The secret has no network default in the database: a network's shared secret is the AI_RELAY_SECRET constant in
 * wp-config.php, which every site reads; a site without it keeps its own secret in its own options table, which no
 * other site's administrator can read.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** Settings a network may set for all its sites, and how each is sanitised. */
const AI_RELAY_NETWORK_SETTINGS = array(
	'ai_relay_endpoint'                 => 'ai_relay_sanitize_endpoint',
	'ai_relay_key_id'                   => 'ai_relay_sanitize_key_id',
	'ai_relay_events'                   => 'ai_relay_sanitize_events',
	'ai_relay_scheme'                   => 'ai_relay_sanitize_scheme',
	'ai_relay_allow_private'            => 'ai_relay_sanitize_flag',
	'ai_relay_batch_recurrence'         => 'ai_relay_sanitize_recurrence',
	'ai_relay_comment_hold'             => 'ai_relay_sanitize_flag',
	'ai_relay_comment_fallback'         => 'ai_relay_sanitize_comment_fallback',
	'ai_relay_comment_fallback_minutes' => 'ai_relay_sanitize_fallback_minutes',
	'ai_relay_lead_fields'              => 'ai_relay_sanitize_lead_fields',
);

/** Sites are set up this many at a time, so a large network is not loaded into memory at once. */
const AI_RELAY_SITES_PER_PAGE = 100;

/**
 * Runs `$callback` on every site of the current network, switched to it. Paged: a network of thousands of sites
 * is read a hundred at a time.
 */
function ai_relay_for_each_site( callable $callback ): void {
	for ( $offset = 0; ; $offset += AI_RELAY_SITES_PER_PAGE ) {
		$ids = get_sites(
			array(
				'fields'     => 'ids',
				'network_id' => get_current_network_id(),
				'number'     => AI_RELAY_SITES_PER_PAGE,
				'offset'     => $offset,
				'orderby'    => 'id',
			)
		);
		foreach ( $ids as $id ) {
			switch_to_blog( (int) $id );
			$callback();
			restore_current_blog();
		}
		if ( count( $ids ) < AI_RELAY_SITES_PER_PAGE ) {
			return;
		}
	}
}

function ai_relay_is_network_active(): bool {
	if ( ! is_multisite() ) {
		return false;
	}
	if ( ! function_exists( 'is_plugin_active_for_network' ) ) {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}
	return is_plugin_active_for_network( plugin_basename( AI_RELAY_FILE ) );
}

/**
 * A site created while the plugin is network-active gets what activation gives every site. Hooked after
 * WordPress's own `wp_initialize_site` (priority 10), which creates the site's tables and options.
 */
function ai_relay_initialize_site( WP_Site $site ): void {
	if ( ! ai_relay_is_network_active() ) {
		return;
	}
	switch_to_blog( (int) $site->blog_id );
	ai_relay_activate_site();
	restore_current_blog();
}

/**
 * WordPress drops a deleted site's own tables; the outbox is one of them.
 *
 * @param string[] $tables The tables WordPress is about to drop.
 * @param int      $site_id The site being deleted.
 * @return string[]
 */
function ai_relay_drop_site_tables( $tables, $site_id ): array {
	global $wpdb;
	$tables   = (array) $tables;
	$tables[] = $wpdb->get_blog_prefix( (int) $site_id ) . 'ai_relay_outbox';
	return $tables;
}

/** Hooks a site's options to their network defaults (multisite only; a single site has nothing to fall back on). */
function ai_relay_add_network_defaults(): void {
	if ( ! is_multisite() ) {
		return;
	}
	foreach ( array_keys( AI_RELAY_NETWORK_SETTINGS ) as $option ) {
		// After register_setting's own default (priority 10): a network default wins over the built-in one.
		add_filter( "default_option_{$option}", 'ai_relay_network_default', 20, 2 );
		add_filter( "pre_update_option_{$option}", 'ai_relay_keep_following_network', 10, 3 );
	}
}

/**
 * A site without a value of its own reads the network's, when the network set one.
 *
 * @param mixed  $fallback What the option reads as without a network default.
 * @param string $option   The option's name.
 * @return mixed
 */
function ai_relay_network_default( $fallback, $option ) {
	$network = get_site_option( $option, null );
	return null === $network ? $fallback : $network;
}

/**
 * A site that saves the network's default as its own value (its settings form shows the default, so saving the
 * form unchanged does exactly that) keeps no copy and follows later changes of the default. Returning the old
 * value makes update_option() store nothing.
 *
 * @param mixed  $value     The sanitised new value.
 * @param mixed  $old_value The value the site reads now.
 * @param string $option    The option's name.
 * @return mixed
 */
function ai_relay_keep_following_network( $value, $old_value, $option ) {
	$network = get_site_option( $option, null );
	if ( null === $network ) {
		return $value;
	}
	// $value is sanitised already when it comes from the settings form; the network's is as stored ('1' for true).
	$sanitize = AI_RELAY_NETWORK_SETTINGS[ $option ];
	if ( wp_json_encode( $sanitize( $network ) ) !== wp_json_encode( $value ) ) {
		return $value;
	}
	delete_option( $option );
	return $old_value;
}

/** Whether a site's option is its own rather than the network's default. */
function ai_relay_site_overrides( string $option ): bool {
	global $wpdb;
	return null !== $wpdb->get_var( $wpdb->prepare( "SELECT option_id FROM {$wpdb->options} WHERE option_name = %s", $option ) );
}
