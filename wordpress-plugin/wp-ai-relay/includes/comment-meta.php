<?php
/**
 * The comment meta of moderation, and the comment's history.
 *
 * The relay writes `ai_relay_verdict` (one JSON object: label, confidence, reason, action, why, mode, run, at) over
 * the REST API; confidence is null when the relay could not measure it, and `mode` is the automatic-Spam mode that
 * was in force (shown on the settings page). The history (`ai_relay_history`, one JSON entry per meta row, like Akismet's `akismet_history`) is written by
 * the plugin only: one entry when the comment is sent, one per verdict stored, one per status change, saying who
 * made it (`ai-relay`, `moderator`, `fallback` or `system`). REST clients can read both in the edit context, never
 * write the history. A status the relay sets is told from a moderator's by the verdict riding in the same request.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_META_VERDICT = 'ai_relay_verdict';
const AI_RELAY_META_HISTORY = 'ai_relay_history';
const AI_RELAY_LABELS       = array( 'spam', 'toxic', 'question', 'ok' );
const AI_RELAY_ACTIONS      = array( 'spam', 'hold', 'keep' );

function ai_relay_register_comment_meta(): void {
	register_meta(
		'comment',
		AI_RELAY_META_VERDICT,
		array(
			'single'            => true,
			'type'              => 'string',
			'show_in_rest'      => array( 'schema' => array( 'type' => 'string', 'maxLength' => 2000, 'context' => array( 'edit' ) ) ),
			'sanitize_callback' => 'ai_relay_sanitize_verdict',
			'auth_callback'     => 'ai_relay_can_edit_comment_meta',
		)
	);
	register_meta(
		'comment',
		AI_RELAY_META_HISTORY,
		array(
			'single'        => false,
			'type'          => 'string',
			'show_in_rest'  => array( 'schema' => array( 'type' => 'string', 'context' => array( 'edit' ) ) ),
			'auth_callback' => '__return_false',
		)
	);
}

function ai_relay_can_edit_comment_meta( $allowed, $meta_key, $comment_id ): bool {
	return current_user_can( 'edit_comment', (int) $comment_id );
}

/** The verdict re-encoded from its checked fields, or '' (which WordPress then refuses to store) when malformed. */
function ai_relay_sanitize_verdict( $value ): string {
	$verdict = ai_relay_parse_verdict( (string) $value );
	return null === $verdict ? '' : (string) wp_json_encode( $verdict, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
}

/** @return array{label: string, confidence: float|null, reason: string, action: string, why: string, mode: array{enabled: bool, why: string}|null, run: string, at: string}|null */
function ai_relay_parse_verdict( string $json ): ?array {
	$data = json_decode( $json, true );
	if ( ! is_array( $data ) || ! in_array( $data['label'] ?? null, AI_RELAY_LABELS, true ) || ! in_array( $data['action'] ?? null, AI_RELAY_ACTIONS, true ) ) {
		return null;
	}
	$confidence = $data['confidence'] ?? null;
	if ( null !== $confidence && ( ( ! is_int( $confidence ) && ! is_float( $confidence ) ) || $confidence < 0 || $confidence > 1 ) ) {
		return null;
	}
	$mode = $data['mode'] ?? null;
	$mode = is_array( $mode ) && is_bool( $mode['enabled'] ?? null )
		? array(
			'enabled' => $mode['enabled'],
			'why'     => ai_relay_text( sanitize_text_field( (string) ( $mode['why'] ?? '' ) ), 400 ),
		)
		: null;
	return array(
		'label'      => $data['label'],
		'confidence' => $confidence,
		'reason'     => ai_relay_text( sanitize_text_field( (string) ( $data['reason'] ?? '' ) ), 200 ),
		'action'     => $data['action'],
		'why'        => ai_relay_text( sanitize_text_field( (string) ( $data['why'] ?? '' ) ), 400 ),
		'mode'       => $mode,
		'run'        => ai_relay_text( sanitize_text_field( (string) ( $data['run'] ?? '' ) ), 512 ),
		'at'         => sanitize_text_field( (string) ( $data['at'] ?? '' ) ),
	);
}

function ai_relay_comment_verdict( int $comment_id ): ?array {
	return ai_relay_parse_verdict( (string) get_comment_meta( $comment_id, AI_RELAY_META_VERDICT, true ) );
}

function ai_relay_history_add( int $comment_id, array $entry ): void {
	$entry = array( 'event' => $entry['event'], 'at' => gmdate( 'c' ) ) + $entry;
	add_comment_meta( $comment_id, AI_RELAY_META_HISTORY, wp_slash( (string) wp_json_encode( $entry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) ) );
}

/** @return array<int, array> oldest first */
function ai_relay_history( int $comment_id ): array {
	$rows = get_comment_meta( $comment_id, AI_RELAY_META_HISTORY, false );
	return array_values( array_filter( array_map( static fn( $row ) => json_decode( (string) $row, true ), is_array( $rows ) ? $rows : array() ), 'is_array' ) );
}

/** The last status a moderator set by hand, or null: a verdict never overrides it. */
function ai_relay_moderator_decision( int $comment_id ): ?array {
	$decision = null;
	foreach ( ai_relay_history( $comment_id ) as $entry ) {
		if ( 'status' === ( $entry['event'] ?? '' ) && 'moderator' === ( $entry['by'] ?? '' ) ) {
			$decision = $entry;
		}
	}
	return $decision;
}

/** Who is changing a comment's status right now; set around the relay's REST writes and the plugin's fallback. */
function ai_relay_status_actor( ?string $set = null, int $comment_id = 0 ): array {
	static $actor = array( 'by' => '', 'comment' => 0 );
	if ( null !== $set ) {
		$actor = array( 'by' => $set, 'comment' => $comment_id );
	}
	return $actor;
}

/** Marks a REST write of the verdict (the relay's) before WordPress applies its status. */
function ai_relay_detect_relay_write( $response, $handler, $request ) {
	if ( $request instanceof WP_REST_Request && 'GET' !== $request->get_method() && preg_match( '#^/wp/v2/comments/(\d+)$#', $request->get_route(), $m ) ) {
		$meta = $request->get_param( 'meta' );
		if ( is_array( $meta ) && isset( $meta[ AI_RELAY_META_VERDICT ] ) && current_user_can( 'moderate_comments' ) ) {
			ai_relay_status_actor( 'ai-relay', (int) $m[1] );
		}
	}
	return $response;
}

/** One history entry per status change of a comment the plugin sent, saying who made it. */
function ai_relay_record_status_change( $new_status, $old_status, $comment ): void {
	if ( ! $comment instanceof WP_Comment || $new_status === $old_status || array() === ai_relay_history( (int) $comment->comment_ID ) ) {
		return;
	}
	$actor = ai_relay_status_actor();
	if ( (int) $comment->comment_ID === $actor['comment'] ) {
		$by = $actor['by'];
	} else {
		$by = get_current_user_id() > 0 ? 'moderator' : 'system';
	}
	$names = array( 'unapproved' => 'hold' );
	$entry = array(
		'event' => 'status',
		'by'    => $by,
		'from'  => $names[ $old_status ] ?? $old_status,
		'to'    => $names[ $new_status ] ?? $new_status,
	);
	if ( 'moderator' === $by ) {
		$entry['user'] = get_current_user_id();
	}
	ai_relay_history_add( (int) $comment->comment_ID, $entry );
}

/** One history entry per verdict stored; a verdict written again unchanged stores nothing, so adds nothing. */
function ai_relay_record_verdict( $meta_id, $comment_id, $meta_key, $value ): void {
	if ( AI_RELAY_META_VERDICT !== $meta_key ) {
		return;
	}
	$verdict = ai_relay_parse_verdict( (string) $value );
	if ( null !== $verdict ) {
		ai_relay_history_add( (int) $comment_id, array( 'event' => 'verdict', 'by' => 'ai-relay' ) + $verdict );
	}
}
