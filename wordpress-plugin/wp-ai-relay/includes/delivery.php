<?php
/**
 * Delivery: one signed attempt per call, its outcome recorded in the outbox, retries from WP-Cron.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** Waits before the 2nd … 6th attempt; after the 6th failure the event is marked failed. */
const AI_RELAY_RETRY_DELAYS = array( MINUTE_IN_SECONDS, 5 * MINUTE_IN_SECONDS, 30 * MINUTE_IN_SECONDS, 2 * HOUR_IN_SECONDS, 6 * HOUR_IN_SECONDS );

/** Attempts made in the request that created the event wait less, so a slow receiver does not hold up an editor. */
const AI_RELAY_FIRST_ATTEMPT_TIMEOUT = 5;
const AI_RELAY_RETRY_TIMEOUT         = 15;

/**
 * POSTs a body to the configured receiver, signed now. Shared by the outbox and the "send test event" button.
 *
 * @return array{http_status: ?int, body: string, retry_after: ?int, error: string}
 */
function ai_relay_post( string $body, string $key, int $timeout ): array {
	$endpoint = ai_relay_endpoint();
	$secret   = ai_relay_secret();
	if ( '' === $endpoint || '' === $secret ) {
		return ai_relay_result( null, '', null, __( 'No receiver endpoint or secret is configured.', 'wp-ai-relay' ) );
	}
	try {
		$headers = ai_relay_signed_headers( $body, $key, $secret, ai_relay_key_id(), ai_relay_scheme() );
	} catch ( InvalidArgumentException $e ) {
		return ai_relay_result( null, '', null, $e->getMessage() );
	}
	$headers['User-Agent'] = 'wp-ai-relay/' . AI_RELAY_VERSION . '; ' . home_url( '/' );

	$response = ai_relay_with_network_policy(
		$endpoint,
		static fn() => wp_safe_remote_post(
			$endpoint,
			array(
				'body'        => $body,
				'headers'     => $headers,
				'timeout'     => $timeout,
				// A redirected POST would be re-sent elsewhere, possibly as a GET; the admin should fix the URL.
				'redirection' => 0,
			)
		)
	);
	if ( is_wp_error( $response ) ) {
		return ai_relay_result( null, '', null, $response->get_error_message() );
	}
	$retry_after = wp_remote_retrieve_header( $response, 'retry-after' );
	return ai_relay_result(
		(int) wp_remote_retrieve_response_code( $response ),
		(string) wp_remote_retrieve_body( $response ),
		is_numeric( $retry_after ) ? (int) $retry_after : null,
		''
	);
}

function ai_relay_result( ?int $http_status, string $body, ?int $retry_after, string $error ): array {
	return array( 'http_status' => $http_status, 'body' => $body, 'retry_after' => $retry_after, 'error' => $error );
}

/**
 * `wp_safe_remote_post` refuses private addresses and ports other than 80, 443 and 8080. When the admin allows a
 * receiver on a private network, exactly the configured host and port are let through, for this request only.
 */
function ai_relay_with_network_policy( string $endpoint, callable $send ) {
	if ( ! ai_relay_allow_private() ) {
		return $send();
	}
	$host     = strtolower( (string) wp_parse_url( $endpoint, PHP_URL_HOST ) );
	$port     = (int) wp_parse_url( $endpoint, PHP_URL_PORT );
	$external = static fn( $is_external, $request_host ) => $is_external || strtolower( (string) $request_host ) === $host;
	$ports    = static function ( $allowed, $request_host ) use ( $host, $port ) {
		return $port > 0 && strtolower( (string) $request_host ) === $host ? array_merge( (array) $allowed, array( $port ) ) : $allowed;
	};
	add_filter( 'http_request_host_is_external', $external, 10, 2 );
	add_filter( 'http_allowed_safe_ports', $ports, 10, 2 );
	try {
		return $send();
	} finally {
		remove_filter( 'http_request_host_is_external', $external, 10 );
		remove_filter( 'http_allowed_safe_ports', $ports, 10 );
	}
}

/**
 * Network errors, 408, 429 and 5xx may succeed later. Anything else (400 bad or unsupported event, 401 bad
 * signature, 413 too large, a redirect, …) will fail the same way every time, so it is not retried.
 */
function ai_relay_is_retryable( ?int $http_status ): bool {
	return null === $http_status || 408 === $http_status || 429 === $http_status || $http_status >= 500;
}

/** Makes one attempt at an outbox row, unless another process holds it, and records the outcome. */
function ai_relay_deliver( int $id, int $timeout ): void {
	$row = ai_relay_outbox_claim( $id, $timeout + 30 );
	if ( null === $row ) {
		return;
	}
	$result   = ai_relay_post( $row->body, $row->idempotency_key, $timeout );
	$status   = $result['http_status'];
	$response = '' !== $result['error'] ? $result['error'] : wp_strip_all_tags( $result['body'] );

	if ( null !== $status && $status >= 200 && $status < 300 ) {
		ai_relay_outbox_record( $id, 'delivered', $status, $response );
		return;
	}
	$attempts = (int) $row->attempts;
	if ( ! ai_relay_is_retryable( $status ) || $attempts > count( AI_RELAY_RETRY_DELAYS ) ) {
		ai_relay_outbox_record( $id, 'failed', $status, $response );
		do_action( 'ai_relay_delivery_failed', $id, $row->event, $row->idempotency_key, $status, $response );
		return;
	}
	$delay = AI_RELAY_RETRY_DELAYS[ $attempts - 1 ];
	if ( null !== $result['retry_after'] ) {
		// Honour a receiver asking for more time, within the longest step of the schedule.
		$delay = max( $delay, min( $result['retry_after'], max( AI_RELAY_RETRY_DELAYS ) ) );
	}
	ai_relay_outbox_record( $id, 'pending', $status, $response, time() + $delay );
	ai_relay_schedule_outbox_run( time() + $delay );
}

/**
 * Sends the events created during this request once it is done, so the event is in the outbox first and a
 * failing receiver never breaks the save that caused it. On a network, each from the outbox (and with the
 * settings) of the site it was stored on, which need not be the request's own after a switch_to_blog().
 */
function ai_relay_send_at_shutdown( int $id ): void {
	static $queued = array();
	if ( array() === $queued ) {
		$send_all = static function () use ( &$queued ) {
			foreach ( $queued as list( $site, $row ) ) {
				$switch = is_multisite() && get_current_blog_id() !== $site;
				if ( $switch ) {
					switch_to_blog( $site );
				}
				ai_relay_deliver( $row, AI_RELAY_FIRST_ATTEMPT_TIMEOUT );
				if ( $switch ) {
					restore_current_blog();
				}
			}
		};
		add_action( 'shutdown', $send_all );
	}
	$queued[] = array( get_current_blog_id(), $id );
}

/** WP-Cron: attempts every due row (a bounded batch per run), then plans the next run. */
function ai_relay_process_outbox(): void {
	foreach ( ai_relay_outbox_due( (int) apply_filters( 'ai_relay_outbox_batch_size', 20 ) ) as $id ) {
		ai_relay_deliver( $id, AI_RELAY_RETRY_TIMEOUT );
	}
	$next = ai_relay_outbox_next_due();
	if ( null !== $next ) {
		ai_relay_schedule_outbox_run( max( $next, time() + 10 ) );
	}
}

/** Keeps one single WP-Cron event for the outbox, at the earliest time something is due; none when idle. */
function ai_relay_schedule_outbox_run( int $at ): void {
	$scheduled = wp_next_scheduled( 'ai_relay_process_outbox' );
	if ( false !== $scheduled && $scheduled <= $at ) {
		return;
	}
	if ( false !== $scheduled ) {
		wp_unschedule_event( $scheduled, 'ai_relay_process_outbox' );
	}
	wp_schedule_single_event( $at, 'ai_relay_process_outbox' );
}
