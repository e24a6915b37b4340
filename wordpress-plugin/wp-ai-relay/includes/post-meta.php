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
// Who made the summary theirs (a user ID; 0 or absent: the AI's), and when (Unix seconds). See summary-ownership.php.
const AI_RELAY_META_EDITOR    = 'ai_relay_summary_editor';
const AI_RELAY_META_EDITED_AT = 'ai_relay_summary_edited_at';

function ai_relay_register_post_meta(): void {
	$meta = array(
		// The summary text: the relay's, or an editor's who changed it.
		AI_RELAY_META_SUMMARY   => array(
			'sanitize_callback' => 'sanitize_textarea_field',
			'schema'            => array( 'type' => 'string' ),
			'auth_callback'     => 'ai_relay_can_edit_meta',
		),
		// sha256 hex of the content the summary was made from; the worker skips content that has not changed, so
		// only the relay's user may set it.
		AI_RELAY_META_HASH      => array(
			'sanitize_callback' => 'ai_relay_sanitize_hash',
			'schema'            => array(
				'type'    => 'string',
				'pattern' => '^[0-9a-fA-F]{64}$',
			),
			'auth_callback'     => 'ai_relay_can_write_back',
		),
		// "<workflowId>/<runId>" of the Temporal run that wrote it, to find that run in the Web UI.
		AI_RELAY_META_RUN       => array(
			'sanitize_callback' => 'sanitize_text_field',
			'schema'            => array(
				'type'      => 'string',
				'maxLength' => 512,
			),
			'auth_callback'     => 'ai_relay_can_write_back',
		),
		// Set by the plugin alone (summary-ownership.php): a change of the summary takes it, and saving 0 here hands
		// it back. Writable through REST only so that the block editor, which saves all the meta it loaded, can.
		AI_RELAY_META_EDITOR    => array(
			'sanitize_callback' => 'absint',
			'schema'            => array( 'type' => 'integer' ),
			'auth_callback'     => 'ai_relay_can_edit_meta',
		),
		AI_RELAY_META_EDITED_AT => array(
			'sanitize_callback' => 'absint',
			'schema'            => array( 'type' => 'integer' ),
			'auth_callback'     => 'ai_relay_can_edit_meta',
		),
	);
	foreach ( ai_relay_post_types() as $post_type ) {
		foreach ( $meta as $key => $options ) {
			register_post_meta(
				$post_type,
				$key,
				array(
					'single'            => true,
					'type'              => $options['schema']['type'],
					'show_in_rest'      => array( 'schema' => $options['schema'] ),
					'sanitize_callback' => $options['sanitize_callback'],
					'auth_callback'     => $options['auth_callback'],
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
