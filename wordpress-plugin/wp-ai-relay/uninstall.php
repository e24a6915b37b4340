<?php
/**
 * Removes everything the plugin stored: its options, its outbox table, its scheduled events, the test-result
 * transients, the summaries written back into post meta and the comment verdicts and history (nothing shows them
 * once the plugin is gone). On a multisite install, from every site of every network, and the networks' defaults.
 *
 * @package wp-ai-relay
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

const AI_RELAY_UNINSTALL_OPTIONS = array( 'ai_relay_endpoint', 'ai_relay_secret', 'ai_relay_key_id', 'ai_relay_events', 'ai_relay_scheme', 'ai_relay_allow_private', 'ai_relay_batch_recurrence', 'ai_relay_lead_fields', 'ai_relay_comment_hold', 'ai_relay_comment_fallback', 'ai_relay_comment_fallback_minutes', 'ai_relay_pending_check', 'ai_relay_pending_check_done', 'ai_relay_db_version', 'ai_relay_description_excerpt', 'ai_relay_suggest' );

/** Everything one site holds (the current one: switch_to_blog() first on a network). */
function ai_relay_uninstall_site(): void {
	global $wpdb;
	foreach ( AI_RELAY_UNINSTALL_OPTIONS as $option ) {
		delete_option( $option );
	}
	foreach ( array( 'ai_relay_process_outbox', 'ai_relay_daily', 'ai_relay_batch' ) as $hook ) {
		wp_clear_scheduled_hook( $hook );
	}
	// Scheduled with a comment id each, so cleared whatever their arguments.
	wp_unschedule_hook( 'ai_relay_comment_fallback' );
	wp_unschedule_hook( 'ai_relay_pending_check_step' );
	remove_role( 'ai_relay' );
	// Descriptions already copied to Yoast SEO, Rank Math or the excerpt stay: they are the site's now.
	foreach ( array( 'ai_relay_summary', 'ai_relay_summary_hash', 'ai_relay_summary_run', 'ai_relay_summary_editor', 'ai_relay_summary_edited_at', 'ai_relay_description', 'ai_relay_description_editor', 'ai_relay_description_edited_at', '_ai_relay_description_written', 'ai_relay_summary_suggestion', 'ai_relay_description_suggestion' ) as $meta ) {
		delete_post_meta_by_key( $meta );
	}
	$wpdb->query( "DELETE FROM {$wpdb->commentmeta} WHERE meta_key IN ('ai_relay_verdict', 'ai_relay_history')" );
	$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_ai\\_relay\\_%' OR option_name LIKE '\\_transient\\_timeout\\_ai\\_relay\\_%'" );
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}ai_relay_outbox" );
}

if ( ! is_multisite() ) {
	ai_relay_uninstall_site();
	return;
}
// Every site, a hundred at a time, whichever network it belongs to: the plugin's files are gone for all of them.
for ( $ai_relay_offset = 0; ; $ai_relay_offset += 100 ) {
	$ai_relay_sites = get_sites( array( 'fields' => 'ids', 'network_id' => null, 'number' => 100, 'offset' => $ai_relay_offset, 'orderby' => 'id' ) );
	foreach ( $ai_relay_sites as $ai_relay_site ) {
		switch_to_blog( (int) $ai_relay_site );
		ai_relay_uninstall_site();
		restore_current_blog();
	}
	if ( count( $ai_relay_sites ) < 100 ) {
		break;
	}
}
foreach ( get_networks( array( 'fields' => 'ids', 'number' => 0 ) ) as $ai_relay_network ) {
	foreach ( AI_RELAY_UNINSTALL_OPTIONS as $ai_relay_option ) {
		delete_network_option( (int) $ai_relay_network, $ai_relay_option );
	}
}
// The network screen's one-shot notices.
global $wpdb;
$wpdb->query( "DELETE FROM {$wpdb->sitemeta} WHERE meta_key LIKE '\\_site\\_transient\\_ai\\_relay\\_%' OR meta_key LIKE '\\_site\\_transient\\_timeout\\_ai\\_relay\\_%'" );
