<?php
/**
 * The Comments screen: a column with the AI verdict, its confidence and its one-line reason; a row action
 * "Re-check with AI"; a bulk action over the selected comments; and a button that checks every pending comment
 * without a verdict, page by page from WP-Cron.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

function ai_relay_comments_enabled(): bool {
	return ai_relay_is_configured() && in_array( 'comment.created', ai_relay_enabled_events(), true );
}

function ai_relay_add_verdict_column( array $columns ): array {
	$columns['ai_relay_verdict'] = esc_html__( 'AI verdict', 'wp-ai-relay' );
	return $columns;
}

/** @return array<string, string> Each verdict label and its name on screen. */
function ai_relay_label_names(): array {
	return array(
		'spam'     => __( 'Spam', 'wp-ai-relay' ),
		'toxic'    => __( 'Toxic', 'wp-ai-relay' ),
		'question' => __( 'Question', 'wp-ai-relay' ),
		'ok'       => __( 'OK', 'wp-ai-relay' ),
	);
}

function ai_relay_render_verdict_column( string $column, $comment_id ): void {
	if ( 'ai_relay_verdict' !== $column ) {
		return;
	}
	$verdict = ai_relay_comment_verdict( (int) $comment_id );
	if ( null === $verdict ) {
		echo '<span aria-hidden="true">—</span>';
		return;
	}
	$labels   = ai_relay_label_names();
	$decision = ai_relay_moderator_decision( (int) $comment_id );
	printf(
		'<div class="ai-relay-verdict" data-label="%1$s"><strong class="ai-relay-verdict-label">%2$s</strong> <span class="ai-relay-verdict-confidence">%3$s</span><br><span class="ai-relay-verdict-reason">%4$s</span>%5$s</div>',
		esc_attr( $verdict['label'] ),
		esc_html( $labels[ $verdict['label'] ] ?? $verdict['label'] ),
		null === $verdict['confidence'] ? esc_html__( 'confidence unmeasured', 'wp-ai-relay' ) : esc_html( sprintf( '%d%%', (int) round( $verdict['confidence'] * 100 ) ) ),
		esc_html( $verdict['reason'] ),
		null === $decision ? '' : '<br><em class="ai-relay-verdict-moderator">' . esc_html__( 'A moderator decided; the AI leaves the status alone.', 'wp-ai-relay' ) . '</em>'
	);
}

function ai_relay_recheck_url( int $comment_id ): string {
	return wp_nonce_url( admin_url( 'admin-post.php?action=ai_relay_recheck&c=' . $comment_id ), 'ai_relay_recheck' );
}

function ai_relay_comment_row_actions( array $actions, $comment ): array {
	if ( $comment instanceof WP_Comment && ai_relay_comments_enabled() && current_user_can( 'edit_comment', (int) $comment->comment_ID ) && ai_relay_comment_is_sendable( $comment ) ) {
		$actions['ai_relay_recheck'] = sprintf( '<a href="%s" class="ai-relay-recheck">%s</a>', esc_url( ai_relay_recheck_url( (int) $comment->comment_ID ) ), esc_html__( 'Re-check with AI', 'wp-ai-relay' ) );
	}
	return $actions;
}

function ai_relay_handle_recheck(): void {
	// One nonce action for every comment, so it is checked before any input is read; which comments this user
	// may re-check is the capability check's to decide.
	check_admin_referer( 'ai_relay_recheck' );
	$comment_id = isset( $_GET['c'] ) ? absint( $_GET['c'] ) : 0;
	if ( ! current_user_can( 'edit_comment', $comment_id ) ) {
		wp_die( esc_html__( 'You may not moderate this comment.', 'wp-ai-relay' ), 403 );
	}
	$sent = ai_relay_recheck_comment( $comment_id ) ? 1 : 0;
	wp_safe_redirect( add_query_arg( 'ai_relay_rechecked', $sent, wp_get_referer() ?: admin_url( 'edit-comments.php' ) ) );
	exit;
}

function ai_relay_add_bulk_recheck( array $actions ): array {
	if ( ai_relay_comments_enabled() ) {
		$actions['ai_relay_recheck'] = __( 'Re-check with AI', 'wp-ai-relay' );
	}
	return $actions;
}

/** At most AI_RELAY_RECHECK_MAX selected comments per action; the rest are reported, not dropped silently. */
function ai_relay_handle_bulk_recheck( $redirect, $action, $comment_ids ) {
	if ( 'ai_relay_recheck' !== $action || ! current_user_can( 'moderate_comments' ) ) {
		return $redirect;
	}
	$ids  = array_map( 'absint', (array) $comment_ids );
	$sent = 0;
	foreach ( array_slice( $ids, 0, AI_RELAY_RECHECK_MAX ) as $id ) {
		if ( current_user_can( 'edit_comment', $id ) && ai_relay_recheck_comment( $id ) ) {
			++$sent;
		}
	}
	return add_query_arg( array( 'ai_relay_rechecked' => $sent, 'ai_relay_skipped' => max( 0, count( $ids ) - AI_RELAY_RECHECK_MAX ) ), $redirect );
}

/** Beside the filters, like Akismet's "Check for Spam". */
function ai_relay_pending_check_button( $comment_status ): void {
	if ( ! ai_relay_comments_enabled() || ! current_user_can( 'moderate_comments' ) || ! in_array( $comment_status, array( 'all', 'moderated' ), true ) ) {
		return;
	}
	$running = is_array( get_option( 'ai_relay_pending_check' ) );
	printf(
		'<a class="button-secondary ai-relay-check-pending" href="%s">%s</a>',
		esc_url( wp_nonce_url( admin_url( 'admin-post.php?action=ai_relay_check_pending' ), 'ai_relay_check_pending' ) ),
		esc_html( $running ? __( 'AI check of pending comments running…', 'wp-ai-relay' ) : __( 'Check pending comments with AI', 'wp-ai-relay' ) )
	);
}

function ai_relay_handle_check_pending(): void {
	check_admin_referer( 'ai_relay_check_pending' );
	if ( ! current_user_can( 'moderate_comments' ) ) {
		wp_die( esc_html__( 'You may not moderate comments.', 'wp-ai-relay' ), 403 );
	}
	if ( ! is_array( get_option( 'ai_relay_pending_check' ) ) ) {
		ai_relay_start_pending_check();
	}
	wp_safe_redirect( add_query_arg( 'ai_relay_checking', 1, admin_url( 'edit-comments.php?comment_status=moderated' ) ) );
	exit;
}

function ai_relay_comments_notice(): void {
	$screen = get_current_screen();
	if ( ! $screen || 'edit-comments' !== $screen->id ) {
		return;
	}
	// Display only: the counts come from our own redirect and are printed as integers.
	// phpcs:disable WordPress.Security.NonceVerification.Recommended, WpAiRelay.Security.NonceBeforeInput.Recommended
	if ( isset( $_GET['ai_relay_rechecked'] ) ) {
		$sent    = absint( $_GET['ai_relay_rechecked'] );
		$skipped = isset( $_GET['ai_relay_skipped'] ) ? absint( $_GET['ai_relay_skipped'] ) : 0;
		/* translators: %d: number of comments */
		$message = sprintf( _n( '%d comment sent to the AI for a new verdict.', '%d comments sent to the AI for a new verdict.', $sent, 'wp-ai-relay' ), $sent );
		if ( $skipped > 0 ) {
			/* translators: %d: number of comments */
			$message .= ' ' . sprintf( __( '%d more were selected than one action sends; select them again.', 'wp-ai-relay' ), $skipped );
		}
		printf( '<div class="notice notice-info is-dismissible"><p>%s</p></div>', esc_html( $message ) );
	}
	if ( isset( $_GET['ai_relay_checking'] ) ) {
		printf( '<div class="notice notice-info is-dismissible"><p>%s</p></div>', esc_html__( 'The pending comments are being sent to the AI in the background, a page at a time; their verdicts appear here as they come in.', 'wp-ai-relay' ) );
	}
	// phpcs:enable WordPress.Security.NonceVerification.Recommended, WpAiRelay.Security.NonceBeforeInput.Recommended
}
