<?php
/**
 * The post meta the relay's worker writes back over the REST API (`POST /wp-json/wp/v2/posts/{id}` with
 * `{"meta": {...}}`, authenticated with an Application Password). The names and types are a contract with the
 * worker; do not change them.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_META_SUMMARY = 'ai_relay_summary';
const AI_RELAY_META_HASH    = 'ai_relay_summary_hash';
const AI_RELAY_META_RUN     = 'ai_relay_summary_run';

function ai_relay_register_post_meta(): void {
	$meta = array(
		// The summary text.
		AI_RELAY_META_SUMMARY => array( 'sanitize_callback' => 'sanitize_textarea_field', 'schema' => array() ),
		// sha256 hex of the content the summary was made from; the worker skips content that has not changed.
		AI_RELAY_META_HASH    => array( 'sanitize_callback' => 'ai_relay_sanitize_hash', 'schema' => array( 'pattern' => '^[0-9a-fA-F]{64}$' ) ),
		// "<workflowId>/<runId>" of the Temporal run that wrote it, to find that run in the Web UI.
		AI_RELAY_META_RUN     => array( 'sanitize_callback' => 'sanitize_text_field', 'schema' => array( 'maxLength' => 512 ) ),
	);
	foreach ( ai_relay_post_types() as $post_type ) {
		foreach ( $meta as $key => $options ) {
			register_post_meta(
				$post_type,
				$key,
				array(
					'single'            => true,
					'type'              => 'string',
					'show_in_rest'      => array( 'schema' => array( 'type' => 'string' ) + $options['schema'] ),
					'sanitize_callback' => $options['sanitize_callback'],
					'auth_callback'     => 'ai_relay_can_edit_meta',
				)
			);
		}
	}
}

function ai_relay_can_edit_meta( $allowed, $meta_key, $post_id ): bool {
	return current_user_can( 'edit_post', (int) $post_id );
}

function ai_relay_sanitize_hash( $value ): string {
	return strtolower( trim( (string) $value ) );
}
