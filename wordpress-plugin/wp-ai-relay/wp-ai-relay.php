<?php
/**
 * Plugin Name:       wp-ai-relay
 * Description:       Sends signed, durable webhooks (post published, comment, lead, batch) to the wp-ai-relay service, which runs AI automations on them and writes the results back, such as a summary of each post.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            wp-ai-relay contributors
 * License:           MIT
 * Text Domain:       wp-ai-relay
 * Domain Path:       /languages
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_VERSION = '0.1.0';
const AI_RELAY_FILE    = __FILE__;

require_once __DIR__ . '/includes/i18n.php';
require_once __DIR__ . '/includes/format.php';
require_once __DIR__ . '/includes/signer.php';
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/outbox.php';
require_once __DIR__ . '/includes/delivery.php';
require_once __DIR__ . '/includes/events.php';
require_once __DIR__ . '/includes/lead-adapters.php';
require_once __DIR__ . '/includes/post-meta.php';
require_once __DIR__ . '/includes/summary-ownership.php';
require_once __DIR__ . '/includes/seo-description.php';
require_once __DIR__ . '/includes/suggestions.php';
require_once __DIR__ . '/includes/comment-meta.php';
require_once __DIR__ . '/includes/comment-moderation.php';
require_once __DIR__ . '/includes/lifecycle.php';
require_once __DIR__ . '/includes/network.php';
require_once __DIR__ . '/includes/rest-backlog.php';

register_activation_hook( __FILE__, 'ai_relay_activate' );
register_deactivation_hook( __FILE__, 'ai_relay_deactivate' );

add_action( 'plugins_loaded', 'ai_relay_maybe_upgrade_outbox' );
// Multisite: a site created later is set up like the others, a deleted site's outbox goes with it, and sites read
// the network's defaults.
add_action( 'wp_initialize_site', 'ai_relay_initialize_site', 20 );
add_filter( 'wpmu_drop_tables', 'ai_relay_drop_site_tables', 10, 2 );
ai_relay_add_network_defaults();
add_action( 'init', 'ai_relay_load_textdomain' );
add_action( 'init', 'ai_relay_register_post_meta' );
add_action( 'init', 'ai_relay_register_comment_meta' );

// Events.
add_action( 'wp_after_insert_post', 'ai_relay_on_post_saved', 10, 4 );
add_action( 'wp_insert_comment', 'ai_relay_on_comment_inserted', 10, 2 );
add_action( 'ai_relay_lead', 'ai_relay_on_lead', 10, 2 );
add_action( 'plugins_loaded', 'ai_relay_register_lead_adapters' );
add_action( 'ai_relay_batch', 'ai_relay_on_batch_due' );
add_action( 'rest_api_init', 'ai_relay_register_backlog_route' );
add_action( 'wp_after_insert_post', 'ai_relay_on_published_post_edited', 10, 4 );

// Summaries: the relay's user alone writes the relay's meta; an editor's change of a summary makes it theirs.
add_filter( 'user_has_cap', 'ai_relay_grant_write_back' );
add_filter( 'rest_request_before_callbacks', 'ai_relay_detect_summary_write', 10, 3 );
add_filter( 'update_post_metadata', 'ai_relay_filter_summary_meta', 10, 3 );
add_filter( 'add_post_metadata', 'ai_relay_filter_summary_meta', 10, 3 );
add_action( 'added_post_meta', 'ai_relay_record_summary_editor', 10, 3 );
add_action( 'updated_post_meta', 'ai_relay_record_summary_editor', 10, 3 );

// SEO descriptions: written where the site's SEO plugin reads them, never over an author's text.
add_action( 'init', 'ai_relay_register_description_meta' );
add_action( 'added_post_meta', 'ai_relay_copy_description', 10, 4 );
add_action( 'updated_post_meta', 'ai_relay_copy_description', 10, 4 );
add_action( 'init', 'ai_relay_register_suggestion_meta' );

// Comment moderation: the hold, the history of verdicts and status changes, the fallback and the pending check.
add_filter( 'pre_comment_approved', 'ai_relay_hold_comment', 20, 2 );
add_filter( 'rest_request_before_callbacks', 'ai_relay_detect_relay_write', 10, 3 );
add_action( 'transition_comment_status', 'ai_relay_record_status_change', 10, 3 );
add_action( 'added_comment_meta', 'ai_relay_record_verdict', 10, 4 );
add_action( 'updated_comment_meta', 'ai_relay_record_verdict', 10, 4 );
add_action( 'ai_relay_comment_fallback', 'ai_relay_apply_comment_fallback' );
add_action( 'ai_relay_pending_check_step', 'ai_relay_pending_check_step' );

// WP-Cron: retries, and housekeeping.
add_action( 'ai_relay_process_outbox', 'ai_relay_process_outbox' );
add_action( 'ai_relay_daily', 'ai_relay_prune_outbox' );

// The batch schedule follows the settings, whoever changes them.
foreach ( array( 'ai_relay_events', 'ai_relay_batch_recurrence' ) as $ai_relay_option ) {
	add_action( "add_option_{$ai_relay_option}", 'ai_relay_sync_batch_schedule' );
	add_action( "update_option_{$ai_relay_option}", 'ai_relay_sync_batch_schedule' );
	// On a network, a site that goes back to the network's default deletes its own value.
	add_action( "delete_option_{$ai_relay_option}", 'ai_relay_sync_batch_schedule' );
}
unset( $ai_relay_option );

if ( is_admin() ) {
	require_once __DIR__ . '/includes/admin-kses.php';
	require_once __DIR__ . '/includes/admin-settings.php';
	require_once __DIR__ . '/includes/admin-test-event.php';
	require_once __DIR__ . '/includes/admin-deliveries.php';
	require_once __DIR__ . '/includes/summary-ui.php';
	require_once __DIR__ . '/includes/admin-comments.php';
	require_once __DIR__ . '/includes/admin-batch.php';
	require_once __DIR__ . '/includes/admin-dashboard.php';
	require_once __DIR__ . '/includes/admin-dashboard-chart.php';
	require_once __DIR__ . '/includes/admin-network-settings.php';

	add_action( 'admin_init', 'ai_relay_register_settings' );
	// Sites that had the plugin active before the role existed get it without a reactivation.
	add_action( 'admin_init', 'ai_relay_add_role' );
	add_action( 'admin_init', 'ai_relay_add_settings_fields' );
	add_action( 'admin_init', 'ai_relay_register_description_settings', 11 );
	add_action( 'admin_init', 'ai_relay_register_suggestion_settings', 11 );
	add_action( 'admin_menu', 'ai_relay_add_settings_page' );
	add_action( 'admin_enqueue_scripts', 'ai_relay_admin_styles' );
	add_action( 'admin_post_ai_relay_test', 'ai_relay_handle_test_event' );
	add_action( 'admin_post_ai_relay_retry', 'ai_relay_handle_retry' );
	add_action( 'admin_post_ai_relay_batch_now', 'ai_relay_handle_batch_now' );
	add_action( 'admin_notices', 'ai_relay_failed_notice' );
	add_action( 'wp_dashboard_setup', 'ai_relay_add_dashboard_widget' );
	add_action( 'network_admin_menu', 'ai_relay_add_network_settings_page' );
	add_action( 'network_admin_edit_' . AI_RELAY_NETWORK_ACTION, 'ai_relay_save_network_settings' );
	add_action( 'load-settings_page_' . AI_RELAY_PAGE, 'ai_relay_add_network_defaults_notice' );

	add_filter( 'manage_post_posts_columns', 'ai_relay_add_summary_column' );
	add_action( 'manage_post_posts_custom_column', 'ai_relay_render_summary_column', 10, 2 );
	add_action( 'add_meta_boxes', 'ai_relay_add_classic_meta_box' );
	add_action( 'enqueue_block_editor_assets', 'ai_relay_enqueue_editor_panel' );

	add_filter( 'manage_edit-comments_columns', 'ai_relay_add_verdict_column' );
	add_action( 'manage_comments_custom_column', 'ai_relay_render_verdict_column', 10, 2 );
	add_filter( 'comment_row_actions', 'ai_relay_comment_row_actions', 10, 2 );
	add_filter( 'bulk_actions-edit-comments', 'ai_relay_add_bulk_recheck' );
	add_filter( 'handle_bulk_actions-edit-comments', 'ai_relay_handle_bulk_recheck', 10, 3 );
	add_action( 'manage_comments_nav', 'ai_relay_pending_check_button' );
	add_action( 'admin_post_ai_relay_recheck', 'ai_relay_handle_recheck' );
	add_action( 'admin_post_ai_relay_check_pending', 'ai_relay_handle_check_pending' );
	add_action( 'admin_notices', 'ai_relay_comments_notice' );
}
