<?php
/**
 * Settings: the stored options, their sanitizers (Settings API), and the accessors the rest of the plugin reads.
 *
 * Option names `ai_relay_endpoint` and `ai_relay_secret` and the constant `AI_RELAY_SECRET` are the ones
 * existing sites already use; keep them.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_EVENTS = array( 'post.published', 'comment.created', 'lead.submitted', 'batch.requested', 'post.updated' );


function ai_relay_register_settings(): void {
	$group = 'ai_relay';
	register_setting( $group, 'ai_relay_endpoint', array( 'type' => 'string', 'default' => '', 'sanitize_callback' => 'ai_relay_sanitize_endpoint' ) );
	register_setting( $group, 'ai_relay_secret', array( 'type' => 'string', 'default' => '', 'sanitize_callback' => 'ai_relay_sanitize_secret' ) );
	register_setting( $group, 'ai_relay_key_id', array( 'type' => 'string', 'default' => '', 'sanitize_callback' => 'ai_relay_sanitize_key_id' ) );
	register_setting( $group, 'ai_relay_events', array( 'type' => 'array', 'default' => array( 'post.published' ), 'sanitize_callback' => 'ai_relay_sanitize_events' ) );
	register_setting( $group, 'ai_relay_scheme', array( 'type' => 'string', 'default' => 'wp', 'sanitize_callback' => 'ai_relay_sanitize_scheme' ) );
	register_setting( $group, 'ai_relay_allow_private', array( 'type' => 'boolean', 'default' => false, 'sanitize_callback' => 'ai_relay_sanitize_allow_private' ) );
	register_setting( $group, 'ai_relay_batch_recurrence', array( 'type' => 'string', 'default' => 'daily', 'sanitize_callback' => 'ai_relay_sanitize_recurrence' ) );
	register_setting( $group, 'ai_relay_comment_hold', array( 'type' => 'boolean', 'default' => false, 'sanitize_callback' => 'ai_relay_sanitize_flag' ) );
	register_setting( $group, 'ai_relay_comment_fallback', array( 'type' => 'string', 'default' => 'approve', 'sanitize_callback' => 'ai_relay_sanitize_comment_fallback' ) );
	register_setting( $group, 'ai_relay_comment_fallback_minutes', array( 'type' => 'integer', 'default' => 15, 'sanitize_callback' => 'ai_relay_sanitize_fallback_minutes' ) );
	register_setting( $group, 'ai_relay_lead_fields', array( 'type' => 'array', 'default' => AI_RELAY_LEAD_FIELD_DEFAULTS, 'sanitize_callback' => 'ai_relay_sanitize_lead_fields' ) );
}

/** Which form fields are the lead's e-mail, name, company and message: comma-separated names, first match wins. */
const AI_RELAY_LEAD_FIELD_DEFAULTS = array(
	'email'   => 'email, your-email, e-mail, email address',
	'name'    => 'name, your-name, full name',
	'company' => 'company, organization, organisation, your-company',
	'message' => 'message, your-message, comments, comment',
);

function ai_relay_sanitize_lead_fields( $value ): array {
	$value = is_array( $value ) ? $value : array();
	$clean = array();
	foreach ( AI_RELAY_LEAD_FIELD_DEFAULTS as $role => $default ) {
		$names          = array_filter( array_map( static fn( $n ) => sanitize_text_field( $n ), explode( ',', (string) ( $value[ $role ] ?? '' ) ) ) );
		$clean[ $role ] = array() === $names ? $default : implode( ', ', $names );
	}
	return $clean;
}

/** @return array<string, string[]> role => lower-cased field names */
function ai_relay_lead_field_map(): array {
	$stored = ai_relay_sanitize_lead_fields( get_option( 'ai_relay_lead_fields', AI_RELAY_LEAD_FIELD_DEFAULTS ) );
	return array_map( static fn( $names ) => array_map( static fn( $n ) => strtolower( trim( $n ) ), explode( ',', $names ) ), $stored );
}

function ai_relay_sanitize_endpoint( $value ): string {
	$value = trim( (string) $value );
	if ( '' === $value ) {
		return '';
	}
	$url = esc_url_raw( $value, array( 'http', 'https' ) );
	if ( '' === $url || ! wp_parse_url( $url, PHP_URL_HOST ) ) {
		add_settings_error( 'ai_relay_endpoint', 'ai_relay_endpoint', __( 'The receiver endpoint must be an http(s) URL.', 'wp-ai-relay' ) );
		return (string) get_option( 'ai_relay_endpoint', '' );
	}
	return $url;
}

/**
 * An empty field keeps the stored secret: the form never shows it, so an empty field means "unchanged".
 * With the AI_RELAY_SECRET constant defined nothing is stored at all.
 */
function ai_relay_sanitize_secret( $value ): string {
	if ( ai_relay_secret_is_constant() ) {
		return '';
	}
	$value = trim( (string) $value );
	if ( '' === $value ) {
		return (string) get_option( 'ai_relay_secret', '' );
	}
	try {
		ai_relay_secret_bytes( $value );
	} catch ( InvalidArgumentException $e ) {
		add_settings_error( 'ai_relay_secret', 'ai_relay_secret', __( 'A secret starting with whsec_ must be followed by valid base64. The stored secret was kept.', 'wp-ai-relay' ) );
		return (string) get_option( 'ai_relay_secret', '' );
	}
	return $value;
}

function ai_relay_sanitize_key_id( $value ): string {
	$value = trim( (string) $value );
	if ( '' !== $value && ! preg_match( '/^[A-Za-z0-9._-]{1,64}$/', $value ) ) {
		add_settings_error( 'ai_relay_key_id', 'ai_relay_key_id', __( 'A key id is 1-64 characters of letters, digits, ".", "_" and "-".', 'wp-ai-relay' ) );
		return (string) get_option( 'ai_relay_key_id', '' );
	}
	return $value;
}

function ai_relay_sanitize_events( $value ): array {
	return array_values( array_intersect( AI_RELAY_EVENTS, is_array( $value ) ? array_map( 'strval', $value ) : array() ) );
}

function ai_relay_sanitize_scheme( $value ): string {
	return 'standard' === $value ? 'standard' : 'wp';
}

function ai_relay_sanitize_flag( $value ): bool {
	return in_array( $value, array( true, 1, '1', 'on', 'yes', 'true' ), true );
}

/**
 * On a network, only a network administrator may let the plugin's requests into private networks: a site's
 * administrator is trusted with their site, not with the servers beside it. Anyone else's form keeps the value.
 */
function ai_relay_sanitize_allow_private( $value ): bool {
	if ( is_multisite() && ! is_super_admin() ) {
		return ai_relay_allow_private();
	}
	return ai_relay_sanitize_flag( $value );
}

function ai_relay_sanitize_recurrence( $value ): string {
	return in_array( $value, array( 'hourly', 'twicedaily', 'daily' ), true ) ? $value : 'daily';
}

/** What happens to a held comment when no verdict came in time: approve it (as WordPress would have), or keep it pending. */
function ai_relay_sanitize_comment_fallback( $value ): string {
	return 'pending' === $value ? 'pending' : 'approve';
}

function ai_relay_sanitize_fallback_minutes( $value ): int {
	return max( 1, min( 1440, (int) $value ) );
}

function ai_relay_secret_is_constant(): bool {
	return defined( 'AI_RELAY_SECRET' ) && '' !== (string) AI_RELAY_SECRET;
}

function ai_relay_secret(): string {
	return ai_relay_secret_is_constant() ? (string) AI_RELAY_SECRET : (string) get_option( 'ai_relay_secret', '' );
}

/** A constant lets a secret kept in wp-config.php and its key id change in the same edit during a rotation. */
function ai_relay_key_id_is_constant(): bool {
	return defined( 'AI_RELAY_KEY_ID' );
}

function ai_relay_key_id(): string {
	return ai_relay_key_id_is_constant() ? (string) AI_RELAY_KEY_ID : (string) get_option( 'ai_relay_key_id', '' );
}

function ai_relay_endpoint(): string {
	return (string) get_option( 'ai_relay_endpoint', '' );
}

function ai_relay_scheme(): string {
	return ai_relay_sanitize_scheme( get_option( 'ai_relay_scheme', 'wp' ) );
}

function ai_relay_allow_private(): bool {
	return ai_relay_sanitize_flag( get_option( 'ai_relay_allow_private', false ) );
}

/** @return string[] */
function ai_relay_enabled_events(): array {
	return ai_relay_sanitize_events( get_option( 'ai_relay_events', array( 'post.published' ) ) );
}

function ai_relay_is_configured(): bool {
	return '' !== ai_relay_endpoint() && '' !== ai_relay_secret();
}

/** Post types whose publication is an event and whose summary meta is registered. */
function ai_relay_post_types(): array {
	return (array) apply_filters( 'ai_relay_post_types', array( 'post' ) );
}
