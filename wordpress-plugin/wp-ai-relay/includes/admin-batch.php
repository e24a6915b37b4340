<?php
/**
 * Settings → AI Relay → Archive: how many published posts have a current summary, the last batch request and
 * the relay's answer, and "Summarise archive now", which sends `batch.requested` at once (the relay runs one
 * batch per site at a time and answers a second request while one runs `duplicate`).
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** @return array{published: int, current: int} Counted in the database: the relay's hash, recomputed by MySQL. */
function ai_relay_summary_coverage(): array {
	global $wpdb;
	list( $where, $types ) = ai_relay_backlog_where();
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $where holds placeholders only.
	$row = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT COUNT(*) AS published, COALESCE(SUM(m.meta_value = SHA2(CONCAT(p.post_title, CHAR(0 USING utf8mb4), p.post_content), 256)), 0) AS current
			FROM {$wpdb->posts} p LEFT JOIN {$wpdb->postmeta} m ON m.post_id = p.ID AND m.meta_key = %s
			WHERE {$where}",
			array_merge( array( AI_RELAY_META_HASH ), $types )
		),
		ARRAY_A
	);
	// phpcs:enable
	return array( 'published' => (int) ( $row['published'] ?? 0 ), 'current' => (int) ( $row['current'] ?? 0 ) );
}

function ai_relay_render_batch_section(): void {
	$coverage = ai_relay_summary_coverage();
	echo '<h2 id="ai-relay-archive">' . esc_html__( 'Archive', 'wp-ai-relay' ) . '</h2>';
	printf(
		'<p class="ai-relay-coverage">%s</p>',
		/* translators: 1: posts with a current summary, 2: published posts */
		esc_html( sprintf( __( '%1$d of %2$d published posts have a summary of their current content.', 'wp-ai-relay' ), $coverage['current'], $coverage['published'] ) )
	);
	$last = ai_relay_last_batch_request();
	if ( null !== $last ) {
		$answer = json_decode( (string) $last->last_response, true );
		printf(
			'<p class="ai-relay-last-batch">%s</p>',
			/* translators: 1: date, 2: delivery status, 3: the relay's answer */
			esc_html( sprintf( __( 'Last batch request: %1$s, %2$s (%3$s).', 'wp-ai-relay' ), wp_date( 'Y-m-d H:i', (int) $last->created_at ), $last->status, is_array( $answer ) && isset( $answer['status'] ) ? (string) $answer['status'] : __( 'no answer yet', 'wp-ai-relay' ) ) )
		);
	}
	$enabled = in_array( 'batch.requested', ai_relay_enabled_events(), true );
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
	echo '<input type="hidden" name="action" value="ai_relay_batch_now">';
	wp_nonce_field( 'ai_relay_batch_now' );
	submit_button( __( 'Summarise archive now', 'wp-ai-relay' ), 'secondary', 'ai-relay-batch-now', false, $enabled ? array() : array( 'disabled' => 'disabled' ) );
	echo '</form>';
	if ( ! $enabled ) {
		echo '<p class="description">' . esc_html__( 'Tick "batch.requested" under Events and save to use this button.', 'wp-ai-relay' ) . '</p>';
	}
}

function ai_relay_last_batch_request(): ?object {
	global $wpdb;
	$table = ai_relay_outbox_table();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is ours.
	return $wpdb->get_row( $wpdb->prepare( "SELECT status, last_response, created_at FROM {$table} WHERE event = %s ORDER BY id DESC LIMIT 1", 'batch.requested' ) );
}

function ai_relay_handle_batch_now(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	check_admin_referer( 'ai_relay_batch_now' );
	$now = time();
	ai_relay_emit(
		'batch.requested',
		ai_relay_event_key( 'batch', 'manual', 'requested', $now ),
		0,
		array( 'requested_at' => gmdate( 'c', $now ), 'limit' => max( 1, min( 500, (int) apply_filters( 'ai_relay_batch_limit', 50 ) ) ) )
	);
	wp_safe_redirect( ai_relay_settings_url( 'ai-relay-archive' ) );
	exit;
}
