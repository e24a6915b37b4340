<?php
/**
 * Events: WordPress hooks turned into payloads (the relay's schemas in contract/events.ts), each with a key
 * derived from the event itself, stored in the outbox and sent.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/**
 * One event, one key: site, object, id, transition and time, so the same event seen twice (hooks that fire
 * twice, a form that calls the lead action twice) gives the same key and is stored and sent once.
 */
function ai_relay_event_key( string $object, string $id, string $transition, ?int $time = null ): string {
	$site = substr( hash( 'sha256', home_url( '/' ) ), 0, 10 );
	$tail = null === $time ? "{$id}:{$transition}" : "{$id}:{$transition}:{$time}";
	$key  = "{$site}:{$object}:{$tail}";
	return strlen( $key ) <= 64 ? $key : "{$site}:{$object}:" . substr( hash( 'sha256', $tail ), 0, 40 );
}

/** Stores an enabled event and sends it when the request ends. Returns the outbox id, 0 if not stored. */
function ai_relay_emit( string $event, string $key, int $object_id, array $payload ): int {
	if ( ! ai_relay_is_configured() || ! in_array( $event, ai_relay_enabled_events(), true ) ) {
		return 0;
	}
	// An import publishes hundreds of old posts at once; they are not news. The batch event can summarise them.
	if ( defined( 'WP_IMPORTING' ) && WP_IMPORTING ) {
		return 0;
	}
	$body = ai_relay_event_body( $event, $key, $payload );
	$id   = '' === $body ? 0 : ai_relay_outbox_add( $event, $key, $object_id, $body );
	if ( $id > 0 ) {
		// Should this request die before its attempt, WP-Cron still finds the event.
		ai_relay_schedule_outbox_run( time() + AI_RELAY_RETRY_DELAYS[0] );
		if ( apply_filters( 'ai_relay_send_immediately', true, $event ) ) {
			ai_relay_send_at_shutdown( $id );
		}
	}
	return $id;
}

/** The JSON body, encoded once: these exact bytes are stored, signed and sent on every attempt. */
function ai_relay_event_body( string $event, string $key, array $payload ): string {
	$payload = array( 'event' => $event, 'idempotency_key' => $key, 'site' => home_url( '/' ) ) + $payload;
	return (string) wp_json_encode( $payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
}

/**
 * `post.published`, only on a real transition to publish. `wp_after_insert_post` runs after the REST API and the
 * editor saved terms and meta, and gives the post as it was before the save, so an update of a published post
 * (the relay's own summary write-back included) is not a publication.
 */
function ai_relay_on_post_saved( $post_id, $post, $update, $post_before ): void {
	if ( ! $post instanceof WP_Post || 'publish' !== $post->post_status ) {
		return;
	}
	if ( $post_before instanceof WP_Post && 'publish' === $post_before->post_status ) {
		return;
	}
	// Password-protected content must not end up in a summary that the REST API shows to everyone.
	if ( ! in_array( $post->post_type, ai_relay_post_types(), true ) || '' !== $post->post_password ) {
		return;
	}
	$published = ai_relay_published_time( $post );
	ai_relay_emit( 'post.published', ai_relay_event_key( 'post', (string) $post->ID, 'publish', $published ), (int) $post->ID, ai_relay_post_payload( $post ) );
}

function ai_relay_published_time( WP_Post $post ): int {
	return ai_relay_gmt_time( $post->post_date_gmt ) ?? ai_relay_gmt_time( $post->post_modified_gmt ) ?? time();
}

function ai_relay_post_payload( WP_Post $post ): array {
	return array(
		'post_id'      => (int) $post->ID,
		'title'        => ai_relay_text( $post->post_title, 1000 ),
		'url'          => (string) get_permalink( $post ),
		'author'       => ai_relay_text( (string) get_the_author_meta( 'display_name', (int) $post->post_author ), 200 ),
		'published_at' => gmdate( 'c', ai_relay_published_time( $post ) ),
		'meta'         => array(
			'categories' => ai_relay_term_names( $post, 'category' ),
			'tags'       => ai_relay_term_names( $post, 'post_tag' ),
		),
		'rest_base'    => ai_relay_rest_base( $post ),
	) + ai_relay_suggest_payload();
}

/** The REST collection the relay reads and writes this post through: `posts`, `pages`, a custom type's own. */
function ai_relay_rest_base( WP_Post $post ): string {
	$type = get_post_type_object( $post->post_type );
	return $type && is_string( $type->rest_base ) && '' !== $type->rest_base ? $type->rest_base : $post->post_type;
}

/**
 * `lead.submitted`, for forms and other plugins:
 *
 *     do_action( 'ai_relay_lead', array( 'email' => $email, 'message' => $message ), array( 'lead_id' => $entry_id, 'source' => 'contact-form' ) );
 *
 * Fields are name => value (at most 50; arrays are joined with ", "). Pass your form entry's id as lead_id so
 * a submission handled twice is sent once; without one, identical fields in the same second count as one lead.
 */
function ai_relay_on_lead( $fields, $context = array() ): void {
	if ( ! is_array( $fields ) || array() === $fields ) {
		return;
	}
	$context = is_array( $context ) ? $context : array();
	$clean   = array();
	foreach ( array_slice( $fields, 0, 50, true ) as $name => $value ) {
		$value = is_array( $value ) ? implode( ', ', array_map( 'strval', array_filter( $value, 'is_scalar' ) ) ) : $value;
		if ( is_scalar( $value ) ) {
			$clean[ ai_relay_text( (string) $name, 64 ) ] = ai_relay_text( (string) $value, 5000 );
		}
	}
	$now     = time();
	$lead_id = isset( $context['lead_id'] ) && '' !== (string) $context['lead_id']
		? ai_relay_text( sanitize_text_field( (string) $context['lead_id'] ), 128 )
		: 'lead-' . substr( hash( 'sha256', wp_json_encode( $clean ) . "|{$now}" ), 0, 24 );
	$payload = array( 'lead_id' => $lead_id, 'submitted_at' => gmdate( 'c', $now ), 'fields' => (object) $clean );
	if ( isset( $context['source'] ) && '' !== (string) $context['source'] ) {
		$payload['source'] = ai_relay_text( (string) $context['source'], 200 );
	}
	ai_relay_emit( 'lead.submitted', ai_relay_event_key( 'lead', substr( hash( 'sha256', $lead_id ), 0, 20 ), 'submitted' ), 0, $payload );
}

/** `batch.requested`, from its WP-Cron schedule; keyed by the schedule's time slot, so a doubled cron run is one batch. */
function ai_relay_on_batch_due(): void {
	$schedules = wp_get_schedules();
	$interval  = (int) ( $schedules[ get_option( 'ai_relay_batch_recurrence', 'daily' ) ]['interval'] ?? DAY_IN_SECONDS );
	$slot      = intdiv( time(), max( $interval, 1 ) ) * $interval;
	ai_relay_emit(
		'batch.requested',
		ai_relay_event_key( 'batch', (string) $interval, 'requested', $slot ),
		0,
		array( 'requested_at' => gmdate( 'c' ), 'limit' => max( 1, min( 500, (int) apply_filters( 'ai_relay_batch_limit', 50 ) ) ) ) + ai_relay_suggest_payload()
	);
}

/** Keeps the batch schedule in step with the settings: scheduled while the event is enabled, at its recurrence. */
function ai_relay_sync_batch_schedule(): void {
	$recurrence = ai_relay_sanitize_recurrence( get_option( 'ai_relay_batch_recurrence', 'daily' ) );
	$wanted     = in_array( 'batch.requested', ai_relay_enabled_events(), true );
	$current    = wp_get_scheduled_event( 'ai_relay_batch' );
	if ( $current && ( ! $wanted || $current->schedule !== $recurrence ) ) {
		wp_clear_scheduled_hook( 'ai_relay_batch' );
		$current = false;
	}
	if ( $wanted && ! $current ) {
		wp_schedule_event( time() + MINUTE_IN_SECONDS, $recurrence, 'ai_relay_batch' );
	}
}

/** @return string[] */
function ai_relay_term_names( WP_Post $post, string $taxonomy ): array {
	$terms = get_the_terms( $post, $taxonomy );
	if ( ! is_array( $terms ) ) {
		return array();
	}
	return array_slice( array_values( array_filter( array_map( static fn( $term ) => ai_relay_text( $term->name, 200 ), $terms ) ) ), 0, 100 );
}

/**
 * `post.updated`: a published post whose title or content changed, keyed by the new content and the save's time,
 * so the same save seen twice is one event. Nothing for the relay's own write-back (meta only: title and content
 * are the same) nor when the content is the one the stored summary was made from.
 */
function ai_relay_on_published_post_edited( $post_id, $post, $update, $post_before ): void {
	if ( ! $post instanceof WP_Post || ! $post_before instanceof WP_Post || 'publish' !== $post->post_status || 'publish' !== $post_before->post_status ) {
		return;
	}
	if ( ! in_array( $post->post_type, ai_relay_post_types(), true ) || '' !== $post->post_password ) {
		return;
	}
	if ( $post->post_title === $post_before->post_title && $post->post_content === $post_before->post_content ) {
		return;
	}
	$hash = hash( 'sha256', $post->post_title . "\0" . $post->post_content );
	if ( get_post_meta( $post->ID, AI_RELAY_META_HASH, true ) === $hash ) {
		return;
	}
	$modified = ai_relay_gmt_time( $post->post_modified_gmt ) ?? time();
	ai_relay_emit(
		'post.updated',
		ai_relay_event_key( 'post', (string) $post->ID, 'updated-' . substr( $hash, 0, 12 ), $modified ),
		(int) $post->ID,
		array( 'post_id' => (int) $post->ID, 'updated_at' => gmdate( 'c', $modified ), 'content_hash' => $hash ) + ai_relay_suggest_payload()
	);
}
