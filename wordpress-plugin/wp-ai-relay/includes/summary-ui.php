<?php
/**
 * Where editors see the AI summary: a column in the posts list, a panel in the block editor's sidebar, and a
 * box in the classic editor.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

function ai_relay_add_summary_column( array $columns ): array {
	$columns['ai_relay_summary'] = esc_html__( 'AI summary', 'wp-ai-relay' );
	return $columns;
}

function ai_relay_render_summary_column( string $column, int $post_id ): void {
	if ( 'ai_relay_summary' !== $column ) {
		return;
	}
	$summary = (string) get_post_meta( $post_id, AI_RELAY_META_SUMMARY, true );
	if ( '' === $summary ) {
		echo '<span aria-hidden="true">—</span>';
		return;
	}
	printf( '<span class="ai-relay-summary" title="%s">%s</span>', esc_attr( $summary ), esc_html( wp_trim_words( $summary, 30 ) ) );
}

/**
 * The block editor panel reads the meta the REST API already returns; no meta box there, because a meta box
 * makes the block editor post the form a second time after each save.
 */
function ai_relay_enqueue_editor_panel(): void {
	$screen = get_current_screen();
	if ( ! $screen || ! in_array( $screen->post_type, ai_relay_post_types(), true ) ) {
		return;
	}
	$dependencies = array( 'wp-plugins', 'wp-editor', 'wp-element', 'wp-data', 'wp-i18n', 'wp-components', 'wp-core-data' );
	// Before 6.6 the panel component lives in wp-edit-post only (see assets/editor-panel.js).
	if ( version_compare( get_bloginfo( 'version' ), '6.6', '<' ) ) {
		$dependencies[] = 'wp-edit-post';
	}
	wp_enqueue_script(
		'ai-relay-editor-panel',
		plugins_url( 'assets/editor-panel.js', AI_RELAY_FILE ),
		$dependencies,
		AI_RELAY_VERSION,
		true
	);
	wp_set_script_translations( 'ai-relay-editor-panel', 'wp-ai-relay', plugin_dir_path( AI_RELAY_FILE ) . 'languages' );
}

function ai_relay_add_classic_meta_box(): void {
	foreach ( ai_relay_post_types() as $post_type ) {
		add_meta_box(
			'ai-relay-summary',
			esc_html__( 'AI summary', 'wp-ai-relay' ),
			'ai_relay_render_classic_meta_box',
			$post_type,
			'side',
			'default',
			// Classic editor only; the block editor has the panel.
			array( '__back_compat_meta_box' => true )
		);
	}
}

function ai_relay_render_classic_meta_box( WP_Post $post ): void {
	$summary = (string) get_post_meta( $post->ID, AI_RELAY_META_SUMMARY, true );
	$run     = (string) get_post_meta( $post->ID, AI_RELAY_META_RUN, true );
	if ( '' === $summary ) {
		echo '<p>' . esc_html__( 'No summary yet. One is written after the post is published.', 'wp-ai-relay' ) . '</p>';
		return;
	}
	echo '<p>' . nl2br( esc_html( $summary ) ) . '</p>';
	$description = (string) get_post_meta( $post->ID, AI_RELAY_META_DESCRIPTION, true );
	if ( '' !== $description ) {
		echo '<p><strong>' . esc_html__( 'SEO description:', 'wp-ai-relay' ) . '</strong> ' . esc_html( $description ) . '</p>';
	}
	if ( '' !== $run ) {
		echo '<p class="description">' . esc_html__( 'Run:', 'wp-ai-relay' ) . ' <code>' . esc_html( $run ) . '</code></p>';
	}
}
