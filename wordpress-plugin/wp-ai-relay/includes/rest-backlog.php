<?php
/**
 * `GET /wp-json/ai-relay/v1/summary-backlog?after=<post id>&per_page=<n>`: one page of published posts, by ID,
 * and which of them need a summary (none yet, or one made from other content). The relay's batch pages through
 * it, so it never holds the whole site; the hash is the one the worker stores (sha256 of raw title, NUL, content).
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

function ai_relay_register_backlog_route(): void {
	register_rest_route(
		'ai-relay/v1',
		'/summary-backlog',
		array(
			'methods'             => WP_REST_Server::READABLE,
			'callback'            => 'ai_relay_rest_summary_backlog',
			// The relay's user writes the summaries of everyone's posts, so it may read them all.
			'permission_callback' => static fn() => current_user_can( 'edit_others_posts' ),
			'args'                => array(
				'after'    => array( 'type' => 'integer', 'minimum' => 0, 'default' => 0, 'sanitize_callback' => 'absint' ),
				'per_page' => array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 500, 'default' => 100, 'sanitize_callback' => 'absint' ),
			),
		)
	);
}

/** The posts a summary can be made for: published, of the summarised types, not password-protected. */
function ai_relay_backlog_where(): array {
	global $wpdb;
	$types = ai_relay_post_types();
	$in    = implode( ',', array_fill( 0, count( $types ), '%s' ) );
	// phpcs:ignore WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- $in is only placeholders.
	return array( "post_status = 'publish' AND post_password = '' AND post_type IN ({$in})", $types );
}

function ai_relay_rest_summary_backlog( WP_REST_Request $request ): WP_REST_Response {
	global $wpdb;
	$after                 = (int) $request['after'];
	$per_page              = (int) $request['per_page'];
	list( $where, $types ) = ai_relay_backlog_where();
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $where holds placeholders only.
	$ids   = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE ID > %d AND {$where} ORDER BY ID ASC LIMIT %d", array_merge( array( $after ), $types, array( $per_page ) ) ) ) );
	$total = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE {$where}", $types ) );
	// phpcs:enable
	_prime_post_caches( $ids, false, true );
	$posts = array();
	foreach ( $ids as $id ) {
		$post   = get_post( $id );
		$hash   = hash( 'sha256', $post->post_title . "\0" . $post->post_content );
		$stored = (string) get_post_meta( $id, AI_RELAY_META_HASH, true );
		if ( $stored === $hash ) {
			continue;
		}
		$posts[] = array(
			'id'          => $id,
			'hash'        => $hash,
			'summarised'  => '' !== $stored,
			'publish_key' => ai_relay_event_key( 'post', (string) $id, 'publish', ai_relay_published_time( $post ) ),
		);
	}
	return new WP_REST_Response(
		array(
			'posts'       => $posts,
			'scanned'     => count( $ids ),
			'next_cursor' => count( $ids ) < $per_page ? null : (int) end( $ids ),
			'total'       => $total,
		)
	);
}
