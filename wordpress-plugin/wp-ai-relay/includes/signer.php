<?php
/**
 * Request signing, the plugin's half of the webhook contract. It mirrors the relay's TypeScript signer and both
 * are checked against the same known-answer vectors (wordpress-plugin/tests/signature-vectors.php).
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/**
 * The HMAC key of a secret: a secret written `whsec_<base64>` is used as its decoded bytes (the Standard
 * Webhooks convention), any other as its UTF-8 bytes, so one secret serves both schemes.
 *
 * @throws InvalidArgumentException When a whsec_ secret is not followed by valid base64.
 */
function ai_relay_secret_bytes( string $secret ): string {
	if ( ! str_starts_with( $secret, 'whsec_' ) ) {
		return $secret;
	}
	$encoded = substr( $secret, strlen( 'whsec_' ) );
	$bytes   = base64_decode( $encoded, true );
	// Canonical base64 only, as the relay requires, so a secret both sides accept means the same bytes.
	if ( false === $bytes || '' === $bytes || rtrim( base64_encode( $bytes ), '=' ) !== rtrim( $encoded, '=' ) ) {
		throw new InvalidArgumentException( 'a whsec_ secret must be followed by valid base64' );
	}
	return $bytes;
}

/** Lowercase hex HMAC-SHA256 over "{timestamp}.{body}" (the X-WP-Signature header). */
function ai_relay_wp_signature( string $secret, int $timestamp, string $body ): string {
	return hash_hmac( 'sha256', $timestamp . '.' . $body, ai_relay_secret_bytes( $secret ) );
}

/** `v1,` + base64 HMAC-SHA256 over "{id}.{timestamp}.{body}" (the Standard Webhooks webhook-signature header). */
function ai_relay_standard_signature( string $secret, string $id, int $timestamp, string $body ): string {
	return 'v1,' . base64_encode( hash_hmac( 'sha256', $id . '.' . $timestamp . '.' . $body, ai_relay_secret_bytes( $secret ), true ) );
}

/**
 * The headers of one signed request. Called once per attempt, so each attempt carries a fresh timestamp and
 * signature over the same body and the same idempotency key.
 *
 * @param string      $body      The exact bytes that will be sent.
 * @param string      $key       The idempotency key (equal to the body's idempotency_key).
 * @param string      $secret    Shared secret.
 * @param string      $key_id    Key id for X-WP-Key-Id, or '' for none.
 * @param string      $scheme    'wp' (X-WP-* headers) or 'standard' (Standard Webhooks).
 * @param int|null    $timestamp Unix seconds; now when null.
 * @return array<string, string>
 */
function ai_relay_signed_headers( string $body, string $key, string $secret, string $key_id = '', string $scheme = 'wp', ?int $timestamp = null ): array {
	$timestamp = $timestamp ?? time();
	$headers   = array( 'Content-Type' => 'application/json' );
	if ( '' !== $key_id ) {
		$headers['X-WP-Key-Id'] = $key_id;
	}
	if ( 'standard' === $scheme ) {
		$headers['webhook-id']        = $key;
		$headers['webhook-timestamp'] = (string) $timestamp;
		$headers['webhook-signature'] = ai_relay_standard_signature( $secret, $key, $timestamp, $body );
	} else {
		$headers['Idempotency-Key'] = $key;
		$headers['X-WP-Timestamp']  = (string) $timestamp;
		$headers['X-WP-Signature']  = ai_relay_wp_signature( $secret, $timestamp, $body );
	}
	return $headers;
}
