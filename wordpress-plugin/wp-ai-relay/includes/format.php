<?php
/**
 * Small formatting helpers for payloads and stored responses.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/**
 * Plain text within a length limit: the relay strips HTML too, but sending less is better than sending more.
 * The relay counts length in UTF-16 code units (JavaScript's string length), where an emoji counts two, so the
 * text is cut on that count, never inside a surrogate pair.
 */
function ai_relay_text( string $value, int $max ): string {
	$text = trim( wp_strip_all_tags( $value ) );
	// UTF-8 never takes fewer bytes than UTF-16 units, so short text needs no counting (nor mbstring, often absent).
	if ( strlen( $text ) <= $max ) {
		return $text;
	}
	$units = 0;
	$cut   = 0;
	preg_match_all( '/./su', $text, $chars );
	foreach ( $chars[0] as $char ) {
		$units += 4 === strlen( $char ) ? 2 : 1;
		if ( $units > $max ) {
			break;
		}
		$cut += strlen( $char );
	}
	return substr( $text, 0, $cut );
}

/** Unix seconds of a WordPress GMT date column, or null for its "no date" value. */
function ai_relay_gmt_time( string $gmt ): ?int {
	if ( '' === $gmt || str_starts_with( $gmt, '0000-00-00' ) ) {
		return null;
	}
	$time = strtotime( $gmt . ' UTC' );
	return false === $time ? null : $time;
}
