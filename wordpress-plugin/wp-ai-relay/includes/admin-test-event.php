<?php
/**
 * "Send test event": a real `post.published` of the latest published post, under a key of its own, sent now and
 * answered on the page. It proves the endpoint, the secret and key id, and the relay behind them in one click.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

function ai_relay_render_test_section(): void {
	echo '<h2 id="ai-relay-test">' . esc_html__( 'Test', 'wp-ai-relay' ) . '</h2>';
	echo '<p>' . esc_html__( 'Sends post.published for your most recent published post, signed with the saved settings, and shows the relay\'s answer. The relay will summarise that post.', 'wp-ai-relay' ) . '</p>';
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
	echo '<input type="hidden" name="action" value="ai_relay_test">';
	wp_nonce_field( 'ai_relay_test' );
	submit_button( __( 'Send test event', 'wp-ai-relay' ), 'secondary', 'ai-relay-send-test', false );
	echo '</form>';

	$transient = 'ai_relay_test_result_' . get_current_user_id();
	$result    = get_transient( $transient );
	if ( ! is_array( $result ) ) {
		return;
	}
	delete_transient( $transient );
	$status = $result['http_status'];
	$ok     = null !== $status && $status >= 200 && $status < 300;
	printf( '<div class="notice inline %s ai-relay-test-result"><p><strong>%s</strong></p>', $ok ? 'notice-success' : 'notice-error', esc_html( ai_relay_test_summary( $result ) ) );
	if ( '' !== $result['body'] ) {
		$json = json_decode( $result['body'] );
		$body = null === $json ? $result['body'] : (string) wp_json_encode( $json, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES );
		echo '<pre class="ai-relay-test-answer">' . esc_html( ai_relay_text( $body, 2000 ) ) . '</pre>';
	}
	echo '</div>';
}

function ai_relay_test_summary( array $result ): string {
	if ( null === $result['http_status'] ) {
		/* translators: %s: error message */
		return sprintf( __( 'Not delivered: %s', 'wp-ai-relay' ), $result['error'] );
	}
	$status = (int) $result['http_status'];
	if ( $status >= 200 && $status < 300 ) {
		/* translators: 1: HTTP status, 2: post title */
		return sprintf( __( 'HTTP %1$d: the relay accepted the event for “%2$s”.', 'wp-ai-relay' ), $status, $result['title'] );
	}
	$hints = array(
		400 => __( 'the relay rejected the payload', 'wp-ai-relay' ),
		401 => __( 'the signature was refused: check the secret and the key id', 'wp-ai-relay' ),
		413 => __( 'the event is too large', 'wp-ai-relay' ),
	);
	$hint = $hints[ $status ] ?? ( ai_relay_is_retryable( $status ) ? __( 'the relay is busy or down; events are kept and retried', 'wp-ai-relay' ) : __( 'unexpected answer', 'wp-ai-relay' ) );
	/* translators: 1: HTTP status, 2: explanation */
	return sprintf( __( 'HTTP %1$d: %2$s.', 'wp-ai-relay' ), $status, $hint );
}

function ai_relay_handle_test_event(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	check_admin_referer( 'ai_relay_test' );
	set_transient( 'ai_relay_test_result_' . get_current_user_id(), ai_relay_send_test_event(), 5 * MINUTE_IN_SECONDS );
	wp_safe_redirect( ai_relay_settings_url( 'ai-relay-test' ) );
	exit;
}

/** @return array{http_status: ?int, body: string, retry_after: ?int, error: string, title?: string} */
function ai_relay_send_test_event(): array {
	$posts = get_posts(
		array(
			'post_type'    => ai_relay_post_types(),
			'post_status'  => 'publish',
			'has_password' => false,
			'numberposts'  => 1,
		)
	);
	if ( array() === $posts ) {
		return ai_relay_result( null, '', null, __( 'publish a post first; the test event is its post.published.', 'wp-ai-relay' ) );
	}
	$post = $posts[0];
	$key  = ai_relay_event_key( 'post', (string) $post->ID, 'test', time() );
	$body = ai_relay_event_body( 'post.published', $key, ai_relay_post_payload( $post ) );
	return ai_relay_post( $body, $key, AI_RELAY_RETRY_TIMEOUT ) + array( 'title' => ai_relay_text( $post->post_title, 200 ) );
}
