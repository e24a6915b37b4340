<?php
/**
 * The SEO meta description. The relay writes it with the summary (one LLM answer makes both) into the plugin's own
 * meta, `ai_relay_description`, and the plugin copies it where the site's SEO plugin reads it. Where is the site's
 * choice, made here and never by the relay, which writes that one key whatever the site runs:
 * - Yoast SEO (detected by its WPSEO_VERSION constant): `_yoast_wpseo_metadesc`, which Yoast's WPSEO_Meta reads and
 *   whose change Yoast's post meta watcher turns into a new indexable;
 * - Rank Math (detected by its RANK_MATH_VERSION constant): `rank_math_description`, which its Post::get_meta reads;
 * - the post excerpt, when the site opted in (themes and SEO plugins fall back to it).
 * A target is written only while it is empty or still holds what the plugin put there: a description an author wrote
 * in Yoast's or Rank Math's box, or an excerpt they wrote, is never overwritten. The description itself is owned as the
 * summary is (summary-ownership.php): an editor who changes it makes it theirs, and can hand it back to the AI.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_META_DESCRIPTION           = 'ai_relay_description';
const AI_RELAY_META_DESCRIPTION_EDITOR    = 'ai_relay_description_editor';
const AI_RELAY_META_DESCRIPTION_EDITED_AT = 'ai_relay_description_edited_at';
// What the plugin last put in each target (target => text), to tell its own text from an author's. Protected (the
// leading underscore): not in the REST API, so nobody can claim an author's text was the plugin's.
const AI_RELAY_META_DESCRIPTION_WRITTEN = '_ai_relay_description_written';

const AI_RELAY_DESCRIPTION_TARGET_META = array(
	'yoast'     => '_yoast_wpseo_metadesc',
	'rank_math' => 'rank_math_description',
);

function ai_relay_register_description_meta(): void {
	foreach ( ai_relay_post_types() as $post_type ) {
		register_post_meta(
			$post_type,
			AI_RELAY_META_DESCRIPTION,
			array(
				'single'            => true,
				'type'              => 'string',
				// One line: it ends up in a <meta> tag.
				'sanitize_callback' => 'sanitize_text_field',
				'show_in_rest'      => array( 'schema' => array( 'type' => 'string' ) ),
				'auth_callback'     => 'ai_relay_can_edit_meta',
			)
		);
		// Set by the plugin alone, as the summary's owner meta (see ai_relay_register_post_meta).
		foreach ( array( AI_RELAY_META_DESCRIPTION_EDITOR, AI_RELAY_META_DESCRIPTION_EDITED_AT ) as $key ) {
			register_post_meta(
				$post_type,
				$key,
				array(
					'single'            => true,
					'type'              => 'integer',
					'sanitize_callback' => 'absint',
					'show_in_rest'      => array( 'schema' => array( 'type' => 'integer' ) ),
					'auth_callback'     => 'ai_relay_can_edit_meta',
				)
			);
		}
	}
}

function ai_relay_description_to_excerpt(): bool {
	return ai_relay_sanitize_flag( get_option( 'ai_relay_description_excerpt', false ) );
}

/**
 * Where this site's SEO plugins read a post's description: `yoast`, `rank_math`, `excerpt`. Each plugin defines its
 * constant when it loads, before any request reaches the plugin's hooks.
 *
 * @return string[]
 */
function ai_relay_description_targets(): array {
	$targets = array();
	if ( defined( 'WPSEO_VERSION' ) ) {
		$targets[] = 'yoast';
	}
	if ( defined( 'RANK_MATH_VERSION' ) ) {
		$targets[] = 'rank_math';
	}
	if ( ai_relay_description_to_excerpt() ) {
		$targets[] = 'excerpt';
	}
	return $targets;
}

function ai_relay_description_target_value( WP_Post $post, string $target ): string {
	return 'excerpt' === $target ? (string) $post->post_excerpt : (string) get_post_meta( $post->ID, AI_RELAY_DESCRIPTION_TARGET_META[ $target ], true );
}

function ai_relay_set_description_target( WP_Post $post, string $target, string $text ): void {
	if ( 'excerpt' === $target ) {
		// wp_update_post expects slashed data. The save sends no event: title and content are unchanged.
		wp_update_post( wp_slash( array( 'ID' => $post->ID, 'post_excerpt' => $text ) ) );
		return;
	}
	update_post_meta( $post->ID, AI_RELAY_DESCRIPTION_TARGET_META[ $target ], wp_slash( $text ) );
}

/**
 * After the description changed (the relay's write-back, an editor's edit, an accepted suggestion): copy it to each
 * target that is empty or holds what the plugin last put there, and record what each now holds.
 */
function ai_relay_copy_description( $meta_id, $post_id, $meta_key, $value ): void {
	if ( AI_RELAY_META_DESCRIPTION !== $meta_key || ! is_string( $value ) || '' === $value ) {
		return;
	}
	$post_id = (int) $post_id;
	$written = get_post_meta( $post_id, AI_RELAY_META_DESCRIPTION_WRITTEN, true );
	$written = is_array( $written ) ? $written : array();
	$changed = false;
	foreach ( ai_relay_description_targets() as $target ) {
		$post    = get_post( $post_id );
		$current = $post instanceof WP_Post ? ai_relay_description_target_value( $post, $target ) : null;
		if ( null === $current || ( '' !== $current && ( $written[ $target ] ?? null ) !== $current ) ) {
			continue; // Someone else's text.
		}
		ai_relay_set_description_target( $post, $target, $value );
		// As stored: the target's own sanitizing (Yoast's, kses on the excerpt) may have changed it.
		$written[ $target ] = ai_relay_description_target_value( get_post( $post_id ), $target );
		$changed            = true;
	}
	if ( $changed ) {
		update_post_meta( $post_id, AI_RELAY_META_DESCRIPTION_WRITTEN, $written );
	}
}

/** Settings → AI Relay: where descriptions go on this site, and the excerpt opt-in. */
function ai_relay_register_description_settings(): void {
	register_setting( 'ai_relay', 'ai_relay_description_excerpt', array( 'type' => 'boolean', 'default' => false, 'sanitize_callback' => 'ai_relay_sanitize_flag' ) );
	add_settings_field( 'ai_relay_description_excerpt', __( 'SEO description', 'wp-ai-relay' ), 'ai_relay_field_description', AI_RELAY_PAGE, 'ai_relay_events', array( 'label_for' => 'ai_relay_description_excerpt' ) );
}

function ai_relay_field_description(): void {
	$names    = array(
		'yoast'     => __( 'Yoast SEO', 'wp-ai-relay' ),
		'rank_math' => __( 'Rank Math', 'wp-ai-relay' ),
	);
	$detected = array_values( array_intersect_key( $names, array_flip( ai_relay_description_targets() ) ) );
	$where    = array() === $detected ? __( 'no SEO plugin detected (Yoast SEO, Rank Math)', 'wp-ai-relay' ) : implode( ', ', $detected );
	/* translators: %s: the SEO plugins found on this site, or "no SEO plugin detected" */
	echo '<p class="description" id="ai_relay_description_targets">' . esc_html( sprintf( __( 'Each summary comes with a meta description of at most 155 characters, from the same AI answer. It is written for: %s.', 'wp-ai-relay' ), $where ) ) . '</p>';
	printf(
		'<label><input type="checkbox" id="ai_relay_description_excerpt" name="ai_relay_description_excerpt" value="1"%s> %s</label>',
		checked( ai_relay_description_to_excerpt(), true, false ),
		esc_html__( 'Also write it as the post excerpt, when the post has none', 'wp-ai-relay' )
	);
	echo '<p class="description">' . esc_html__( 'Text an author wrote (in the SEO plugin\'s box, or as the excerpt) is never replaced.', 'wp-ai-relay' ) . '</p>';
}
