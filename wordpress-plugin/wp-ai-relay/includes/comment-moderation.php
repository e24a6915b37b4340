<?php
/**
 * `comment.created`: which comments are sent and what of them, the optional hold until the AI verdict with its
 * fallback, and the re-checks a moderator asks for.
 *
 * Sent: real comments (no pingbacks or notes) that WordPress did not already mark spam or trash, by anyone who
 * cannot moderate comments. Never the author's e-mail or IP address: the relay has no use for them, and what it
 * does not get cannot leak from its history or logs.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** Rechecks queued per request or per WP-Cron step, so a large queue never times a request out. */
const AI_RELAY_RECHECK_PAGE = 20;
/** Selected comments sent from one bulk action at most. */
const AI_RELAY_RECHECK_MAX = 100;

function ai_relay_comment_hold_enabled(): bool {
	return ai_relay_sanitize_flag( get_option( 'ai_relay_comment_hold', false ) ) && in_array( 'comment.created', ai_relay_enabled_events(), true ) && ai_relay_is_configured();
}

function ai_relay_comment_fallback(): string {
	return ai_relay_sanitize_comment_fallback( get_option( 'ai_relay_comment_fallback', 'approve' ) );
}

function ai_relay_comment_fallback_minutes(): int {
	return ai_relay_sanitize_fallback_minutes( get_option( 'ai_relay_comment_fallback_minutes', 15 ) );
}

function ai_relay_comment_is_sendable( WP_Comment $comment ): bool {
	if ( ! in_array( $comment->comment_type, array( '', 'comment' ), true ) || in_array( $comment->comment_approved, array( 'spam', 'trash' ), true ) ) {
		return false;
	}
	return ! ( (int) $comment->user_id > 0 && user_can( (int) $comment->user_id, 'moderate_comments' ) );
}

/**
 * The status WordPress gave a comment it would approve, once held: which comment it was is not known yet here,
 * so it is remembered for the insert that follows in the same request.
 */
function ai_relay_comment_held( ?bool $set = null ): bool {
	static $held = false;
	if ( null !== $set ) {
		$held = $set;
	}
	return $held;
}

/** "Hold new comments until the AI verdict": a comment WordPress would approve waits, pending, for the relay. */
function ai_relay_hold_comment( $approved, $commentdata ) {
	ai_relay_comment_held( false );
	if ( ( 1 !== $approved && '1' !== $approved ) || ! ai_relay_comment_hold_enabled() ) {
		return $approved;
	}
	$type    = (string) ( $commentdata['comment_type'] ?? '' );
	$user_id = (int) ( $commentdata['user_id'] ?? 0 );
	if ( ! in_array( $type, array( '', 'comment' ), true ) || ( $user_id > 0 && user_can( $user_id, 'moderate_comments' ) ) ) {
		return $approved;
	}
	ai_relay_comment_held( true );
	return 0;
}

function ai_relay_on_comment_inserted( $comment_id, $comment ): void {
	if ( ! $comment instanceof WP_Comment || ! ai_relay_comment_is_sendable( $comment ) ) {
		return;
	}
	$held = ai_relay_comment_held();
	ai_relay_comment_held( false );
	$created = ai_relay_gmt_time( $comment->comment_date_gmt ) ?? time();
	$status  = $held || '1' === (string) $comment->comment_approved ? 'approved' : 'hold';
	$sent    = ai_relay_send_comment( $comment, ai_relay_event_key( 'comment', (string) $comment->comment_ID, 'created', $created ), $status, false );
	if ( $sent && $held ) {
		wp_schedule_single_event( time() + ai_relay_comment_fallback_minutes() * MINUTE_IN_SECONDS, 'ai_relay_comment_fallback', array( (int) $comment->comment_ID ) );
	}
}

/** Stores and sends one comment event; the history notes it, which is what makes the comment one the plugin follows. */
function ai_relay_send_comment( WP_Comment $comment, string $key, string $wordpress_status, bool $recheck ): bool {
	$payload = array(
		'comment_id' => (int) $comment->comment_ID,
		'post_id'    => (int) $comment->comment_post_ID,
		'parent'     => (int) $comment->comment_parent,
		'author'     => ai_relay_text( $comment->comment_author, 200 ),
		'author_url' => (string) esc_url_raw( $comment->comment_author_url, array( 'http', 'https' ) ),
		'content'    => ai_relay_text( $comment->comment_content, 20000 ),
		'status'     => $wordpress_status,
		'created_at' => gmdate( 'c', ai_relay_gmt_time( $comment->comment_date_gmt ) ?? time() ),
	);
	if ( $recheck ) {
		$payload['recheck'] = true;
	}
	$id = ai_relay_emit( 'comment.created', $key, (int) $comment->comment_ID, $payload );
	if ( $id > 0 ) {
		$entry = array( 'event' => $recheck ? 'recheck' : 'sent', 'by' => $recheck ? 'moderator' : 'system' );
		if ( $recheck ) {
			$entry['user'] = get_current_user_id();
		}
		ai_relay_history_add( (int) $comment->comment_ID, $entry );
	}
	return $id > 0;
}

/**
 * A moderator's "Re-check with AI" (no batch): a new event with a key of its own, classified even after a human
 * decision, which it still never overrides. A pending check (a batch) sends each comment once per check. Either way
 * the comment's current status is what an `ok` keeps.
 */
function ai_relay_recheck_comment( int $comment_id, string $batch = '' ): bool {
	$comment = get_comment( $comment_id );
	if ( ! $comment instanceof WP_Comment || ! ai_relay_comment_is_sendable( $comment ) ) {
		return false;
	}
	$transition = '' === $batch ? 'recheck' : "check-{$batch}";
	$status     = '1' === (string) $comment->comment_approved ? 'approved' : 'hold';
	return ai_relay_send_comment( $comment, ai_relay_event_key( 'comment', (string) $comment_id, $transition, '' === $batch ? time() : null ), $status, '' === $batch );
}

/** When no verdict came in time (the relay or the LLM is down), the setting decides: approve, or leave it pending. */
function ai_relay_apply_comment_fallback( $comment_id ): void {
	$comment = get_comment( (int) $comment_id );
	if ( ! $comment instanceof WP_Comment || '0' !== (string) $comment->comment_approved ) {
		return;
	}
	if ( null !== ai_relay_comment_verdict( (int) $comment_id ) || null !== ai_relay_moderator_decision( (int) $comment_id ) ) {
		return;
	}
	if ( 'approve' === ai_relay_comment_fallback() ) {
		ai_relay_status_actor( 'fallback', (int) $comment_id );
		wp_set_comment_status( (int) $comment_id, 'approve' );
		ai_relay_status_actor( '', 0 );
		return;
	}
	ai_relay_history_add( (int) $comment_id, array( 'event' => 'fallback', 'by' => 'fallback', 'to' => 'hold' ) );
}

/**
 * "Check pending comments with AI": pages through the pending comments that have no verdict, oldest first, one
 * WP-Cron step per page. The cursor is stored, so a step that dies is taken up again where it stopped, and each
 * comment's key is the check's, so a page sent twice is sent once.
 */
function ai_relay_start_pending_check(): void {
	update_option( 'ai_relay_pending_check', array( 'batch' => (string) time(), 'after' => 0, 'queued' => 0 ), false );
	wp_schedule_single_event( time(), 'ai_relay_pending_check_step' );
}

function ai_relay_pending_check_step(): void {
	$check = get_option( 'ai_relay_pending_check' );
	if ( ! is_array( $check ) || ! isset( $check['batch'], $check['after'] ) ) {
		return;
	}
	global $wpdb;
	$ids = array_map(
		'intval',
		$wpdb->get_col(
			$wpdb->prepare(
				"SELECT comment_ID FROM {$wpdb->comments} WHERE comment_approved = '0' AND comment_ID > %d AND comment_type IN ('', 'comment') ORDER BY comment_ID ASC LIMIT %d",
				(int) $check['after'],
				AI_RELAY_RECHECK_PAGE
			)
		)
	);
	foreach ( $ids as $id ) {
		if ( null === ai_relay_comment_verdict( $id ) && ai_relay_recheck_comment( $id, (string) $check['batch'] ) ) {
			++$check['queued'];
		}
		$check['after'] = $id;
	}
	if ( count( $ids ) < AI_RELAY_RECHECK_PAGE ) {
		delete_option( 'ai_relay_pending_check' );
		update_option( 'ai_relay_pending_check_done', array( 'queued' => (int) $check['queued'], 'at' => time() ), false );
		return;
	}
	update_option( 'ai_relay_pending_check', $check, false );
	wp_schedule_single_event( time(), 'ai_relay_pending_check_step' );
}
