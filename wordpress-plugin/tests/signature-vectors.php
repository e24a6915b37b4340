<?php
/**
 * Checks the plugin's signer against the known-answer vectors the TypeScript signer produced, so the two
 * cannot drift apart. Runs with plain `php`, without WordPress:
 *
 *   php wordpress-plugin/tests/signature-vectors.php test/fixtures/signature-vectors.json
 *
 * Prints one line per case ("ok - …" or "FAIL - …") and exits non-zero if any case fails.
 */

define( 'ABSPATH', __DIR__ . '/' );
require __DIR__ . '/../wp-ai-relay/includes/signer.php';

$fixture = $argv[1] ?? '';
$vectors = json_decode( (string) file_get_contents( $fixture ), true );
if ( ! is_array( $vectors ) || empty( $vectors['cases'] ) ) {
	fwrite( STDERR, "no cases in {$fixture}\n" );
	exit( 2 );
}

$failures = 0;
foreach ( $vectors['cases'] as $case ) {
	$actual = 'standard' === $case['scheme']
		? ai_relay_standard_signature( $case['secret'], $case['id'], (int) $case['timestamp'], $case['body'] )
		: ai_relay_wp_signature( $case['secret'], (int) $case['timestamp'], $case['body'] );

	// The same value must also come out of the header builder the plugin actually sends with.
	$headers = ai_relay_signed_headers( $case['body'], $case['id'] ?? 'k', $case['secret'], '', $case['scheme'], (int) $case['timestamp'] );
	$header  = 'standard' === $case['scheme'] ? $headers['webhook-signature'] : $headers['X-WP-Signature'];

	$ok = $actual === $case['signature'] && $header === $case['signature'];
	$failures += $ok ? 0 : 1;
	echo ( $ok ? 'ok' : 'FAIL' ), ' - ', $case['name'], $ok ? '' : " (expected {$case['signature']}, got {$actual} / {$header})", "\n";
}

// Secrets the relay refuses must be refused here too, or the two would sign with different keys.
foreach ( array( 'whsec_', 'whsec_not base64!', 'whsec_TWZLUTlyOEdLWXFyVHdqVVBEOElMUFpJbzJMYUxhU3c' . '!' ) as $invalid ) {
	try {
		ai_relay_secret_bytes( $invalid );
		$ok = false;
	} catch ( InvalidArgumentException $e ) {
		$ok = true;
	}
	$failures += $ok ? 0 : 1;
	echo ( $ok ? 'ok' : 'FAIL' ), " - rejects the secret {$invalid}\n";
}

exit( $failures > 0 ? 1 : 0 );
