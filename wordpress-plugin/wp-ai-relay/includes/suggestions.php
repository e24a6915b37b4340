<?php
/**
 * Suggest before publishing, per automation, as ClassifAI does: a site may hold summaries and SEO descriptions for an
 * editor's review. The choice is sent with each post event (`suggest`), so the relay writes those results to their
 * `_suggestion` meta instead of publishing them, and the run's history shows which it did. The editor's sidebar panel
 * shows a suggestion with Accept (it becomes the summary or description, the editor's from then on, and a description
 * is copied to the SEO plugin) and Reject (it is dropped); both are saved with the post.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_SUGGESTABLE = array(
	'summary'     => 'ai_relay_summary_suggestion',
	'description' => 'ai_relay_description_suggestion',
);

function ai_relay_sanitize_suggest( $value ): array {
	return array_values( array_intersect( array_keys( AI_RELAY_SUGGESTABLE ), is_array( $value ) ? array_map( 'strval', $value ) : array() ) );
}

/** @return string[] The automations whose results wait for an editor: `summary`, `description`. */
function ai_relay_suggest(): array {
	return ai_relay_sanitize_suggest( get_option( 'ai_relay_suggest', array() ) );
}

/** The `suggest` field of a post event: only when the site holds something for review, as older events had none. */
function ai_relay_suggest_payload(): array {
	$suggest = ai_relay_suggest();
	return array() === $suggest ? array() : array( 'suggest' => $suggest );
}

function ai_relay_register_suggestion_meta(): void {
	$sanitizers = array(
		'summary'     => 'sanitize_textarea_field',
		'description' => 'sanitize_text_field',
	);
	foreach ( ai_relay_post_types() as $post_type ) {
		foreach ( AI_RELAY_SUGGESTABLE as $automation => $key ) {
			register_post_meta(
				$post_type,
				$key,
				array(
					'single'            => true,
					'type'              => 'string',
					'sanitize_callback' => $sanitizers[ $automation ],
					'show_in_rest'      => array( 'schema' => array( 'type' => 'string' ) ),
					// The relay writes it; an editor clears it by accepting or rejecting it.
					'auth_callback'     => 'ai_relay_can_edit_meta',
				)
			);
		}
	}
}

function ai_relay_register_suggestion_settings(): void {
	register_setting( 'ai_relay', 'ai_relay_suggest', array( 'type' => 'array', 'default' => array(), 'sanitize_callback' => 'ai_relay_sanitize_suggest' ) );
	add_settings_field( 'ai_relay_suggest', __( 'Review first', 'wp-ai-relay' ), 'ai_relay_field_suggest', AI_RELAY_PAGE, 'ai_relay_events' );
}

function ai_relay_field_suggest(): void {
	$labels = array(
		'summary'     => __( 'Summaries', 'wp-ai-relay' ),
		'description' => __( 'SEO descriptions', 'wp-ai-relay' ),
	);
	echo '<fieldset id="ai_relay_suggest">';
	foreach ( $labels as $automation => $label ) {
		printf(
			'<label><input type="checkbox" name="ai_relay_suggest[]" value="%s"%s> %s</label><br>',
			esc_attr( $automation ),
			checked( in_array( $automation, ai_relay_suggest(), true ), true, false ),
			esc_html( $label )
		);
	}
	echo '</fieldset><p class="description">' . esc_html__( 'Ticked: the AI\'s result waits as a suggestion in the editor\'s sidebar until an editor accepts or rejects it, instead of being published at once.', 'wp-ai-relay' ) . '</p>';
}
