<?php
/**
 * Settings → AI Relay: the Settings API form, then the test button and the deliveries list.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_PAGE = 'ai-relay';

function ai_relay_add_settings_page(): void {
	add_options_page( __( 'AI Relay', 'wp-ai-relay' ), __( 'AI Relay', 'wp-ai-relay' ), 'manage_options', AI_RELAY_PAGE, 'ai_relay_render_settings_page' );
}

function ai_relay_admin_styles( string $hook ): void {
	if ( 'settings_page_' . AI_RELAY_PAGE !== $hook ) {
		return;
	}
	// Keys and answers are long unbroken strings; let them wrap instead of widening the page.
	wp_add_inline_style(
		'common',
		'.ai-relay-deliveries { table-layout: fixed; } .ai-relay-deliveries td { overflow-wrap: anywhere; }
		.ai-relay-deliveries th:nth-child(1) { width: 11%; } .ai-relay-deliveries th:nth-child(2) { width: 14%; }
		.ai-relay-deliveries th:nth-child(3) { width: 27%; } .ai-relay-deliveries th:nth-child(4) { width: 8%; }
		.ai-relay-deliveries th:nth-child(5) { width: 7%; } .ai-relay-deliveries th:nth-child(7) { width: 6%; }
		.ai-relay-test-answer { white-space: pre-wrap; overflow-wrap: anywhere; }'
	);
}

function ai_relay_settings_url( string $fragment = '' ): string {
	return admin_url( 'options-general.php?page=' . AI_RELAY_PAGE ) . ( '' === $fragment ? '' : '#' . $fragment );
}

function ai_relay_add_settings_fields(): void {
	add_settings_section( 'ai_relay_receiver', __( 'Receiver', 'wp-ai-relay' ), '__return_false', AI_RELAY_PAGE );
	add_settings_section( 'ai_relay_events', __( 'Events', 'wp-ai-relay' ), '__return_false', AI_RELAY_PAGE );
	$fields = array(
		'ai_relay_endpoint'         => array( __( 'Endpoint', 'wp-ai-relay' ), 'ai_relay_field_endpoint', 'ai_relay_receiver' ),
		'ai_relay_secret'           => array( __( 'Secret', 'wp-ai-relay' ), 'ai_relay_field_secret', 'ai_relay_receiver' ),
		'ai_relay_key_id'           => array( __( 'Key id', 'wp-ai-relay' ), 'ai_relay_field_key_id', 'ai_relay_receiver' ),
		'ai_relay_scheme'           => array( __( 'Signature scheme', 'wp-ai-relay' ), 'ai_relay_field_scheme', 'ai_relay_receiver' ),
		'ai_relay_allow_private'    => array( __( 'Private network', 'wp-ai-relay' ), 'ai_relay_field_allow_private', 'ai_relay_receiver' ),
		'ai_relay_events'           => array( __( 'Send', 'wp-ai-relay' ), 'ai_relay_field_events', 'ai_relay_events' ),
		'ai_relay_batch_recurrence' => array( __( 'Batch schedule', 'wp-ai-relay' ), 'ai_relay_field_batch_recurrence', 'ai_relay_events' ),
		'ai_relay_comment_hold'     => array( __( 'Comments', 'wp-ai-relay' ), 'ai_relay_field_comment_hold', 'ai_relay_events' ),
		'ai_relay_lead_fields'      => array( __( 'Lead fields', 'wp-ai-relay' ), 'ai_relay_field_lead_fields', 'ai_relay_events' ),
	);
	foreach ( $fields as $id => list( $title, $render, $section ) ) {
		add_settings_field( $id, $title, $render, AI_RELAY_PAGE, $section, array( 'label_for' => $id ) );
	}
}

function ai_relay_render_settings_page(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'AI Relay', 'wp-ai-relay' ) . '</h1>';
	echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '">';
	settings_fields( 'ai_relay' );
	do_settings_sections( AI_RELAY_PAGE );
	submit_button();
	echo '</form>';
	ai_relay_render_test_section();
	ai_relay_render_batch_section();
	ai_relay_render_deliveries();
	echo '</div>';
}

function ai_relay_field_endpoint(): void {
	printf( '<input type="url" class="regular-text code" id="ai_relay_endpoint" name="ai_relay_endpoint" value="%s" placeholder="https://relay.example.com/webhooks/wp">', esc_attr( ai_relay_endpoint() ) );
	echo '<p class="description">' . esc_html__( 'The relay\'s webhook URL.', 'wp-ai-relay' ) . '</p>';
}

/** The secret is write-only: the field is always empty and only says whether one is set. */
function ai_relay_field_secret(): void {
	if ( ai_relay_secret_is_constant() ) {
		echo '<p id="ai_relay_secret">' . esc_html__( 'Set in wp-config.php (AI_RELAY_SECRET). It is not stored in the database.', 'wp-ai-relay' ) . '</p>';
		return;
	}
	$stored = '' !== ai_relay_secret();
	printf(
		'<input type="password" class="regular-text code" id="ai_relay_secret" name="ai_relay_secret" value="" autocomplete="new-password" placeholder="%s">',
		esc_attr( $stored ? __( 'A secret is stored; leave empty to keep it', 'wp-ai-relay' ) : __( 'No secret yet', 'wp-ai-relay' ) )
	);
	echo '<p class="description">' . esc_html__( 'The shared secret (whsec_… base64 or plain text, at least 16 characters). Prefer define( \'AI_RELAY_SECRET\', \'…\' ) in wp-config.php.', 'wp-ai-relay' ) . '</p>';
}

function ai_relay_field_key_id(): void {
	if ( ai_relay_key_id_is_constant() ) {
		echo '<p id="ai_relay_key_id"><code>' . esc_html( ai_relay_key_id() ) . '</code> ' . esc_html__( '(set in wp-config.php, AI_RELAY_KEY_ID)', 'wp-ai-relay' ) . '</p>';
		return;
	}
	printf( '<input type="text" class="regular-text code" id="ai_relay_key_id" name="ai_relay_key_id" value="%s" pattern="[A-Za-z0-9._\-]{1,64}">', esc_attr( ai_relay_key_id() ) );
	echo '<p class="description">' . esc_html__( 'Sent as X-WP-Key-Id, so the relay knows which of its secrets to check (secret rotation). Optional.', 'wp-ai-relay' ) . '</p>';
}

function ai_relay_field_scheme(): void {
	$schemes = array(
		'wp'       => __( 'WordPress (X-WP-Timestamp, X-WP-Signature, Idempotency-Key)', 'wp-ai-relay' ),
		'standard' => __( 'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)', 'wp-ai-relay' ),
	);
	echo '<select id="ai_relay_scheme" name="ai_relay_scheme">';
	foreach ( $schemes as $value => $label ) {
		printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( ai_relay_scheme(), $value, false ), esc_html( $label ) );
	}
	echo '</select>';
}

function ai_relay_field_allow_private(): void {
	$locked = is_multisite() && ! is_super_admin();
	printf( '<label><input type="checkbox" id="ai_relay_allow_private" name="ai_relay_allow_private" value="1"%s%s> %s</label>', checked( ai_relay_allow_private(), true, false ), disabled( $locked, true, false ), esc_html__( 'The receiver is on a private network or a non-standard port', 'wp-ai-relay' ) );
	if ( $locked ) {
		echo '<p class="description">' . esc_html__( 'Only a network administrator can change this.', 'wp-ai-relay' ) . '</p>';
	}
	echo '<p class="description">' . esc_html__( 'WordPress refuses requests to private addresses and to ports other than 80, 443 and 8080. This lets exactly the endpoint\'s host and port through, and nothing else.', 'wp-ai-relay' ) . '</p>';
}

function ai_relay_field_events(): void {
	$labels = array(
		'post.published'  => __( 'A post is published', 'wp-ai-relay' ),
		'comment.created' => __( 'A comment is posted', 'wp-ai-relay' ),
		'lead.submitted'  => __( 'A lead form is sent (do_action( \'ai_relay_lead\', $fields ))', 'wp-ai-relay' ),
		'batch.requested' => __( 'Batch: summarise posts that have no summary, on a schedule', 'wp-ai-relay' ),
		'post.updated'    => __( 'A published post\'s title or content is edited (summarised again once the edits settle)', 'wp-ai-relay' ),
	);
	echo '<fieldset id="ai_relay_events">';
	foreach ( $labels as $event => $label ) {
		printf(
			'<label><input type="checkbox" name="ai_relay_events[]" value="%s"%s> <code>%s</code> %s</label><br>',
			esc_attr( $event ),
			checked( in_array( $event, ai_relay_enabled_events(), true ), true, false ),
			esc_html( $event ),
			esc_html( $label )
		);
	}
	echo '</fieldset>';
}

function ai_relay_field_batch_recurrence(): void {
	$current = ai_relay_sanitize_recurrence( get_option( 'ai_relay_batch_recurrence', 'daily' ) );
	echo '<select id="ai_relay_batch_recurrence" name="ai_relay_batch_recurrence">';
	foreach ( array( 'hourly', 'twicedaily', 'daily' ) as $recurrence ) {
		printf( '<option value="%s"%s>%s</option>', esc_attr( $recurrence ), selected( $current, $recurrence, false ), esc_html( wp_get_schedules()[ $recurrence ]['display'] ?? $recurrence ) );
	}
	echo '</select>';
}

/** The hold option, with its fallback beside it: one row, because neither means anything without the other. */
function ai_relay_field_comment_hold(): void {
	printf(
		'<label><input type="checkbox" id="ai_relay_comment_hold" name="ai_relay_comment_hold" value="1"%s> %s</label><br>',
		checked( ai_relay_sanitize_flag( get_option( 'ai_relay_comment_hold', false ) ), true, false ),
		esc_html__( 'Hold new comments until the AI verdict (they wait as pending instead of appearing at once)', 'wp-ai-relay' )
	);
	$choices = array(
		'approve' => __( 'approve it, as WordPress would have', 'wp-ai-relay' ),
		'pending' => __( 'leave it pending for a moderator', 'wp-ai-relay' ),
	);
	$select = '<select id="ai_relay_comment_fallback" name="ai_relay_comment_fallback">';
	foreach ( $choices as $value => $label ) {
		$select .= sprintf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( ai_relay_comment_fallback(), $value, false ), esc_html( $label ) );
	}
	$select .= '</select>';
	$minutes = sprintf( '<input type="number" class="small-text" id="ai_relay_comment_fallback_minutes" name="ai_relay_comment_fallback_minutes" min="1" max="1440" value="%d">', ai_relay_comment_fallback_minutes() );
	printf(
		/* translators: 1: number of minutes field, 2: approve/leave pending choice */
		'<label>' . esc_html__( 'When no verdict has come after %1$s minutes (the relay or the AI is down): %2$s', 'wp-ai-relay' ) . '</label>',
		wp_kses( $minutes, ai_relay_allowed_form_html() ),
		wp_kses( $select, ai_relay_allowed_form_html() )
	);
	ai_relay_render_spam_mode();
}

/**
 * Which automatic-Spam mode the relay applies, and why, as of its latest verdict: the relay decides it (from the
 * spam precision `relay eval` measured for its model), so the site shows what the relay last said.
 */
function ai_relay_render_spam_mode(): void {
	$latest = get_comments(
		array(
			'meta_key' => AI_RELAY_META_VERDICT, // phpcs:ignore WordPress.DB.SlowDBQuery -- one row, admin screen only.
			'number'   => 1,
			'orderby'  => 'comment_ID',
			'order'    => 'DESC',
			'status'   => array( 'hold', 'approve', 'spam', 'trash' ), // 'all' leaves spam out.
		)
	);
	$verdict = $latest ? ai_relay_comment_verdict( (int) $latest[0]->comment_ID ) : null;
	$mode    = $verdict['mode'] ?? null;
	if ( null === $mode ) {
		$text = __( 'Automatic Spam: unknown until the relay\'s first verdict. By default the relay never moves a comment to Spam by itself; it holds suspected spam for a moderator.', 'wp-ai-relay' );
	} else {
		/* translators: 1: on/off, 2: the relay's reason */
		$text = sprintf( __( 'Automatic Spam: %1$s — %2$s.', 'wp-ai-relay' ), $mode['enabled'] ? __( 'on', 'wp-ai-relay' ) : __( 'off', 'wp-ai-relay' ), $mode['why'] );
	}
	echo '<p class="description" id="ai_relay_spam_mode">' . esc_html( $text ) . '</p>';
}

/** The field mapping of the form adapters (Contact Form 7, Gravity Forms, WPForms). */
function ai_relay_field_lead_fields(): void {
	$stored = ai_relay_sanitize_lead_fields( get_option( 'ai_relay_lead_fields', AI_RELAY_LEAD_FIELD_DEFAULTS ) );
	$labels = array(
		'email'   => __( 'E-mail', 'wp-ai-relay' ),
		'name'    => __( 'Name', 'wp-ai-relay' ),
		'company' => __( 'Company', 'wp-ai-relay' ),
		'message' => __( 'Message', 'wp-ai-relay' ),
	);
	echo '<fieldset id="ai_relay_lead_fields">';
	foreach ( $labels as $role => $label ) {
		printf(
			'<p><label for="ai_relay_lead_fields_%1$s">%2$s</label><br><input type="text" class="regular-text code" id="ai_relay_lead_fields_%1$s" name="ai_relay_lead_fields[%1$s]" value="%3$s"></p>',
			esc_attr( $role ),
			esc_html( $label ),
			esc_attr( $stored[ $role ] )
		);
	}
	echo '<p class="description">' . esc_html__( 'Form field names (Contact Form 7 tag names, Gravity Forms labels, WPForms field names), comma-separated; the first one a form has is used. Leads from active Contact Form 7, Gravity Forms and WPForms forms are sent when "lead.submitted" is checked.', 'wp-ai-relay' ) . '</p>';
	echo '</fieldset>';
}
