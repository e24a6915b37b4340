<?php
/**
 * Removes everything the plugin stored: its options, its outbox table, its scheduled events, the test-result
 * transients, the summaries written back into post meta and the comment verdicts and history (nothing shows them
 * once the plugin is gone).
 *
 * @package wp-ai-relay
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

global $wpdb;

foreach ( array( 'ai_relay_endpoint', 'ai_relay_secret', 'ai_relay_key_id', 'ai_relay_events', 'ai_relay_scheme', 'ai_relay_allow_private', 'ai_relay_batch_recurrence', 'ai_relay_lead_fields', 'ai_relay_comment_hold', 'ai_relay_comment_fallback', 'ai_relay_comment_fallback_minutes', 'ai_relay_pending_check', 'ai_relay_pending_check_done', 'ai_relay_db_version', 'ai_relay_description_excerpt', 'ai_relay_suggest' ) as $ai_relay_option ) {
	delete_option( $ai_relay_option );
}
foreach ( array( 'ai_relay_process_outbox', 'ai_relay_daily', 'ai_relay_batch' ) as $ai_relay_hook ) {
	wp_clear_scheduled_hook( $ai_relay_hook );
}
// Scheduled with a comment id each, so cleared whatever their arguments.
wp_unschedule_hook( 'ai_relay_comment_fallback' );
wp_unschedule_hook( 'ai_relay_pending_check_step' );
remove_role( 'ai_relay' );
// Descriptions already copied to Yoast SEO, Rank Math or the excerpt stay: they are the site's now.
foreach ( array( 'ai_relay_summary', 'ai_relay_summary_hash', 'ai_relay_summary_run', 'ai_relay_summary_editor', 'ai_relay_summary_edited_at', 'ai_relay_description', 'ai_relay_description_editor', 'ai_relay_description_edited_at', '_ai_relay_description_written', 'ai_relay_summary_suggestion', 'ai_relay_description_suggestion' ) as $ai_relay_meta ) {
	delete_post_meta_by_key( $ai_relay_meta );
}
$wpdb->query( "DELETE FROM {$wpdb->commentmeta} WHERE meta_key IN ('ai_relay_verdict', 'ai_relay_history')" );
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_ai\\_relay\\_%' OR option_name LIKE '\\_transient\\_timeout\\_ai\\_relay\\_%'" );
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}ai_relay_outbox" );
