<?php
/**
 * Editors win over the AI for summaries and SEO descriptions, as moderators do for comments. An author or editor who
 * changes the summary (or the description) makes it theirs: who and when are recorded, and a later write-back from
 * the relay (an edit of the post, a batch) keeps their text. Handing it back to the AI clears that and asks the relay
 * for a new summary.
 *
 * Only the relay's user writes the relay's own meta (the content hash and the run): an author who could set the hash
 * could make the relay skip a post. That user has the `ai_relay_write_back` capability: the "AI Relay" role gives it,
 * and so does `manage_options`.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_WRITE_BACK_CAP = 'ai_relay_write_back';
const AI_RELAY_ROLE           = 'ai_relay';

/** The role for the relay's user: an editor's capabilities, plus writing the relay's meta. */
function ai_relay_add_role(): void {
	if ( null !== get_role( AI_RELAY_ROLE ) ) {
		return;
	}
	$editor = get_role( 'editor' );
	$caps   = ( $editor ? $editor->capabilities : array( 'read' => true ) ) + array( AI_RELAY_WRITE_BACK_CAP => true );
	add_role( AI_RELAY_ROLE, 'AI Relay', $caps );
}

/**
 * Administrators write back too (a site may give the relay an administrator's Application Password).
 *
 * @param array<string, bool> $allcaps The user's capabilities.
 * @return array<string, bool>
 */
function ai_relay_grant_write_back( array $allcaps ): array {
	if ( ! empty( $allcaps['manage_options'] ) ) {
		$allcaps[ AI_RELAY_WRITE_BACK_CAP ] = true;
	}
	return $allcaps;
}

function ai_relay_can_write_back( $allowed, $meta_key, $post_id ): bool {
	return current_user_can( AI_RELAY_WRITE_BACK_CAP ) && current_user_can( 'edit_post', (int) $post_id );
}

/**
 * The texts an editor can make theirs, each with its owner and time meta: the summary, and the SEO description
 * (seo-description.php), which follow the same rules.
 *
 * @return array<string, array{0: string, 1: string}> text meta key => [owner meta key, time meta key]
 */
function ai_relay_owned_texts(): array {
	return array(
		AI_RELAY_META_SUMMARY     => array( AI_RELAY_META_EDITOR, AI_RELAY_META_EDITED_AT ),
		AI_RELAY_META_DESCRIPTION => array( AI_RELAY_META_DESCRIPTION_EDITOR, AI_RELAY_META_DESCRIPTION_EDITED_AT ),
	);
}

/** The text whose owner or time meta `$meta_key` is, or '' when it is neither. */
function ai_relay_text_owned_by( string $meta_key ): string {
	foreach ( ai_relay_owned_texts() as $text => $owner ) {
		if ( in_array( $meta_key, $owner, true ) ) {
			return $text;
		}
	}
	return '';
}

/**
 * What the current REST request asks of a post's summary and description, worked out before WordPress changes
 * anything (the meta filters below act on it, after the request's permission check):
 * - `relay`: the relay's write-back. It carries the ID of the run that made it, new to the post; the block editor
 *   saves the meta as it loaded it, run unchanged.
 * - `hand_back`: the texts whose owner meta is set to 0 while the text itself is not changed.
 *
 * @param array<string, mixed>|null $set The request's intent, from the request filter.
 * @return array{post: int, relay: bool, hand_back: string[]}
 */
function ai_relay_summary_request( ?array $set = null ): array {
	static $intent = array(
		'post'      => 0,
		'relay'     => false,
		'hand_back' => array(),
	);
	if ( null !== $set ) {
		$intent = $set;
	}
	return $intent;
}

function ai_relay_detect_summary_write( $response, $handler, $request ) {
	if ( ! $request instanceof WP_REST_Request || 'GET' === $request->get_method() || ! preg_match( '#^/wp/v2/[\w-]+/(\d+)$#', $request->get_route(), $m ) ) {
		return $response;
	}
	$meta = $request->get_param( 'meta' );
	if ( ! is_array( $meta ) ) {
		return $response;
	}
	$post_id   = (int) $m[1];
	$run       = $meta[ AI_RELAY_META_RUN ] ?? null;
	$hand_back = array();
	foreach ( ai_relay_owned_texts() as $text => list( $owner ) ) {
		$value = $meta[ $text ] ?? null;
		if ( array_key_exists( $owner, $meta ) && 0 === absint( $meta[ $owner ] ) && ( null === $value || get_post_meta( $post_id, $text, true ) === $value ) ) {
			$hand_back[] = $text;
		}
	}
	ai_relay_summary_request(
		array(
			'post'      => $post_id,
			'relay'     => is_string( $run ) && current_user_can( AI_RELAY_WRITE_BACK_CAP ) && get_post_meta( $post_id, AI_RELAY_META_RUN, true ) !== $run,
			'hand_back' => $hand_back,
		)
	);
	return $response;
}

/** True while the plugin itself writes the owner meta, which nothing else may. */
function ai_relay_writing_owner( ?bool $set = null ): bool {
	static $writing = false;
	if ( null !== $set ) {
		$writing = $set;
	}
	return $writing;
}

/**
 * Short-circuits writes the plugin does not let through, reporting success: the relay's write of a text an editor
 * owns (the editor's text stays), and any write of the owner meta but the plugin's own (a save that sets the owner
 * to 0 hands the text back).
 *
 * @param null|bool $check Null to let the write happen.
 */
function ai_relay_filter_summary_meta( $check, $post_id, $meta_key ) {
	$intent = ai_relay_summary_request();
	$mine   = $intent['post'] === (int) $post_id;
	$texts  = ai_relay_owned_texts();
	if ( isset( $texts[ $meta_key ] ) ) {
		return $mine && $intent['relay'] && (int) get_post_meta( $post_id, $texts[ $meta_key ][0], true ) > 0 ? true : $check;
	}
	$text = ai_relay_text_owned_by( (string) $meta_key );
	if ( '' === $text || ai_relay_writing_owner() ) {
		return $check;
	}
	if ( $mine && in_array( $text, $intent['hand_back'], true ) && $texts[ $text ][0] === $meta_key && (int) get_post_meta( $post_id, $meta_key, true ) > 0 ) {
		ai_relay_hand_back_summary( (int) $post_id, $text );
	}
	return true;
}

/** After a summary or description changed: anyone but the relay who changed it now owns it. */
function ai_relay_record_summary_editor( $meta_id, $post_id, $meta_key ): void {
	$intent = ai_relay_summary_request();
	$texts  = ai_relay_owned_texts();
	if ( ! isset( $texts[ $meta_key ] ) || ( $intent['relay'] && $intent['post'] === (int) $post_id ) || get_current_user_id() <= 0 ) {
		return;
	}
	// WordPress 6.1's REST API adds the empty value the block editor saves for a text the post never had: no edit.
	if ( 'added_post_meta' === current_action() && '' === (string) get_post_meta( $post_id, $meta_key, true ) ) {
		return;
	}
	list( $owner, $edited_at ) = $texts[ $meta_key ];
	ai_relay_writing_owner( true );
	update_post_meta( $post_id, $owner, get_current_user_id() );
	update_post_meta( $post_id, $edited_at, time() );
	ai_relay_writing_owner( false );
}

/**
 * Handed back to the AI: the next run writes a new text, and one is asked for now if the post is published (the hash
 * goes, so the relay summarises the post again; a text still owned by an editor stays theirs).
 */
function ai_relay_hand_back_summary( int $post_id, string $text = AI_RELAY_META_SUMMARY ): void {
	list( $owner, $edited_at ) = ai_relay_owned_texts()[ $text ];
	delete_post_meta( $post_id, $owner );
	delete_post_meta( $post_id, $edited_at );
	delete_post_meta( $post_id, AI_RELAY_META_HASH );
	$post = get_post( $post_id );
	if ( $post instanceof WP_Post && 'publish' === $post->post_status && in_array( $post->post_type, ai_relay_post_types(), true ) ) {
		$hash = hash( 'sha256', $post->post_title . "\0" . $post->post_content );
		ai_relay_emit(
			'post.updated',
			// Each text its own key: a description handed back in the same second as the summary is another event.
			ai_relay_event_key( 'post', (string) $post->ID, AI_RELAY_META_SUMMARY === $text ? 'handback' : 'handback-description', time() ),
			(int) $post->ID,
			array(
				'post_id'      => (int) $post->ID,
				'updated_at'   => gmdate( 'c' ),
				'content_hash' => $hash,
			) + ai_relay_suggest_payload()
		);
	}
}
