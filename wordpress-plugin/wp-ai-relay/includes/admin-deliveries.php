<?php
/**
 * What the admin sees of deliveries: the recent outbox rows, a Retry button on failed ones, and a notice on
 * every admin screen while some have failed.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

function ai_relay_render_deliveries(): void {
	$counts = ai_relay_outbox_counts();
	echo '<h2 id="ai-relay-deliveries">' . esc_html__( 'Deliveries', 'wp-ai-relay' ) . '</h2>';
	printf(
		'<p>%s</p>',
		esc_html(
			sprintf(
				/* translators: 1: pending, 2: delivered, 3: failed count */
				__( '%1$d waiting to be sent or retried, %2$d delivered, %3$d failed.', 'wp-ai-relay' ),
				$counts['pending'],
				$counts['delivered'],
				$counts['failed']
			)
		)
	);
	$rows = ai_relay_outbox_recent( 50 );
	if ( array() === $rows ) {
		echo '<p>' . esc_html__( 'No events yet.', 'wp-ai-relay' ) . '</p>';
		return;
	}
	echo '<table class="widefat striped ai-relay-deliveries"><thead><tr>';
	foreach ( array( __( 'Created', 'wp-ai-relay' ), __( 'Event', 'wp-ai-relay' ), __( 'Idempotency key', 'wp-ai-relay' ), __( 'Status', 'wp-ai-relay' ), __( 'Attempts', 'wp-ai-relay' ), __( 'Last answer', 'wp-ai-relay' ), '' ) as $heading ) {
		echo '<th scope="col">' . esc_html( $heading ) . '</th>';
	}
	echo '</tr></thead><tbody>';
	foreach ( $rows as $row ) {
		printf(
			'<tr class="ai-relay-status-%1$s" data-key="%2$s"><td>%3$s</td><td><code>%4$s</code></td><td><code>%9$s</code></td><td><strong>%5$s</strong></td><td>%6$d</td><td>%7$s</td><td>%8$s</td></tr>',
			esc_attr( $row->status ),
			esc_attr( $row->idempotency_key ),
			esc_html( wp_date( 'Y-m-d H:i:s', (int) $row->created_at ) ),
			esc_html( $row->event ),
			esc_html( ai_relay_status_label( $row ) ),
			(int) $row->attempts,
			esc_html( ai_relay_answer_label( $row ) ),
			'failed' === $row->status ? wp_kses( ai_relay_retry_button( (int) $row->id ), ai_relay_allowed_form_html() ) : '',
			esc_html( $row->idempotency_key )
		);
	}
	echo '</tbody></table>';
}

function ai_relay_status_label( object $row ): string {
	if ( 'pending' === $row->status && (int) $row->attempts > 0 ) {
		/* translators: %s: time of the next attempt */
		return sprintf( __( 'Retrying at %s', 'wp-ai-relay' ), wp_date( 'H:i:s', (int) $row->next_attempt_at ) );
	}
	$labels = array( 'pending' => __( 'Pending', 'wp-ai-relay' ), 'delivered' => __( 'Delivered', 'wp-ai-relay' ), 'failed' => __( 'Failed', 'wp-ai-relay' ) );
	return $labels[ $row->status ] ?? $row->status;
}

/** "HTTP 400 — unsupported_event: …" from the relay's JSON answer; other answers and errors as they came. */
function ai_relay_answer_label( object $row ): string {
	$response = (string) $row->last_response;
	if ( null === $row->last_http_status ) {
		return $response;
	}
	$json = json_decode( $response, true );
	if ( is_array( $json ) ) {
		$parts    = array_filter( array( $json['error'] ?? $json['status'] ?? '', $json['reason'] ?? '' ), 'is_string' );
		$response = implode( ': ', array_filter( $parts ) );
	}
	return trim( 'HTTP ' . $row->last_http_status . ( '' === $response ? '' : ' — ' . $response ) );
}

function ai_relay_retry_button( int $id ): string {
	return sprintf(
		'<form method="post" action="%s"><input type="hidden" name="action" value="ai_relay_retry"><input type="hidden" name="id" value="%d">%s<button type="submit" class="button button-small">%s</button></form>',
		esc_url( admin_url( 'admin-post.php' ) ),
		$id,
		wp_nonce_field( 'ai_relay_retry', '_wpnonce', true, false ),
		esc_html__( 'Retry', 'wp-ai-relay' )
	);
}

/** Retry of a failed delivery, after the admin fixed what made it fail (a secret, an endpoint). */
function ai_relay_handle_retry(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	// One nonce action for every delivery, so it is checked before any input is read.
	check_admin_referer( 'ai_relay_retry' );
	$id = isset( $_POST['id'] ) ? absint( $_POST['id'] ) : 0;
	if ( ai_relay_outbox_requeue( $id ) ) {
		ai_relay_deliver( $id, AI_RELAY_FIRST_ATTEMPT_TIMEOUT );
	}
	wp_safe_redirect( ai_relay_settings_url( 'ai-relay-deliveries' ) );
	exit;
}

function ai_relay_failed_notice(): void {
	$screen = get_current_screen();
	if ( ! current_user_can( 'manage_options' ) || ( $screen && 'settings_page_' . AI_RELAY_PAGE === $screen->id ) ) {
		return;
	}
	$failed = ai_relay_outbox_counts()['failed'];
	if ( $failed > 0 ) {
		printf(
			'<div class="notice notice-error"><p>%s <a href="%s">%s</a></p></div>',
			esc_html(
				/* translators: %d: number of failed deliveries */
				sprintf( _n( 'AI Relay: %d event could not be delivered.', 'AI Relay: %d events could not be delivered.', $failed, 'wp-ai-relay' ), $failed )
			),
			esc_url( ai_relay_settings_url( 'ai-relay-deliveries' ) ),
			esc_html__( 'See the deliveries', 'wp-ai-relay' )
		);
	}
}
