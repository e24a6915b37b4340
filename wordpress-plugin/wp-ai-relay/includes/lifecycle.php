<?php
/**
 * Activation and deactivation. Uninstalling (uninstall.php) removes what the plugin stored.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/**
 * Network-wide, every site of the network is set up; sites created later are set up by ai_relay_initialize_site.
 *
 * @param bool $network_wide Whether a network administrator activated the plugin for the whole network.
 */
function ai_relay_activate( $network_wide = false ): void {
	if ( is_multisite() && $network_wide ) {
		ai_relay_for_each_site( 'ai_relay_activate_site' );
		return;
	}
	ai_relay_activate_site();
}

/** What one site needs: its outbox table, the relay's role, its schedules. */
function ai_relay_activate_site(): void {
	ai_relay_install_outbox();
	ai_relay_add_role();
	// The secret lives in wp-config.php when the constant is set; a copy left in the database from before goes.
	if ( ai_relay_secret_is_constant() ) {
		delete_option( 'ai_relay_secret' );
	}
	if ( ! wp_next_scheduled( 'ai_relay_daily' ) ) {
		wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', 'ai_relay_daily' );
	}
	ai_relay_sync_batch_schedule();
	// Events stored before a deactivation are still owed.
	$next = ai_relay_outbox_next_due();
	if ( null !== $next ) {
		ai_relay_schedule_outbox_run( max( $next, time() ) );
	}
}

/**
 * Pending events stay in the outbox and are sent after the next activation.
 *
 * @param bool $network_wide Whether the plugin is deactivated for the whole network.
 */
function ai_relay_deactivate( $network_wide = false ): void {
	if ( is_multisite() && $network_wide ) {
		ai_relay_for_each_site( 'ai_relay_deactivate_site' );
		return;
	}
	ai_relay_deactivate_site();
}

function ai_relay_deactivate_site(): void {
	foreach ( array( 'ai_relay_process_outbox', 'ai_relay_daily', 'ai_relay_batch' ) as $hook ) {
		wp_clear_scheduled_hook( $hook );
	}
}
