<?php
/**
 * Lead adapters: Contact Form 7, Gravity Forms and WPForms submissions turned into `lead.submitted`, beside the
 * generic `ai_relay_lead` action. Each adapter is hooked only when its form plugin is active, and each lead's
 * key comes from the submission itself, so a submission handled twice is sent once.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** Runs on plugins_loaded, when every form plugin has defined its constants and classes. */
function ai_relay_register_lead_adapters(): void {
	if ( defined( 'WPCF7_VERSION' ) && class_exists( 'WPCF7_Submission' ) ) {
		add_action( 'wpcf7_mail_sent', 'ai_relay_on_cf7_mail_sent' );
	}
	if ( class_exists( 'GFForms' ) ) {
		add_action( 'gform_after_submission', 'ai_relay_on_gform_after_submission', 10, 2 );
	}
	if ( defined( 'WPFORMS_VERSION' ) ) {
		add_action( 'wpforms_process_complete', 'ai_relay_on_wpforms_process_complete', 10, 4 );
	}
}

/** Contact Form 7: the posted data of the current submission, keyed by its `posted_data_hash`. */
function ai_relay_on_cf7_mail_sent( $contact_form ): void {
	$submission = WPCF7_Submission::get_instance();
	if ( ! $submission ) {
		return;
	}
	$hash    = (string) $submission->get_posted_data_hash();
	$form_id = is_object( $contact_form ) && method_exists( $contact_form, 'id' ) ? (int) $contact_form->id() : 0;
	$title   = is_object( $contact_form ) && method_exists( $contact_form, 'title' ) ? (string) $contact_form->title() : '';
	if ( '' === $hash ) {
		return;
	}
	// CF7's own fields (_wpcf7, _wpcf7_version, ...) are not what the visitor typed.
	$fields = array_filter( (array) $submission->get_posted_data(), static fn( $name ) => ! str_starts_with( (string) $name, '_' ), ARRAY_FILTER_USE_KEY );
	ai_relay_send_mapped_lead( $fields, "cf7-{$form_id}-{$hash}", 'Contact Form 7: ' . $title );
}

/** Gravity Forms: the entry's values by field label (sub-inputs such as first/last name joined), keyed by entry id. */
function ai_relay_on_gform_after_submission( $entry, $form ): void {
	if ( ! is_array( $entry ) || ! is_array( $form ) || empty( $entry['id'] ) ) {
		return;
	}
	$fields = array();
	foreach ( (array) ( $form['fields'] ?? array() ) as $field ) {
		$id     = (string) ai_relay_prop( $field, 'id' );
		$label  = (string) ( ai_relay_prop( $field, 'adminLabel' ) ?: ai_relay_prop( $field, 'label' ) ?: $id );
		$inputs = ai_relay_prop( $field, 'inputs' );
		$value  = is_array( $inputs )
			? implode( ' ', array_filter( array_map( static fn( $input ) => (string) ( $entry[ (string) ai_relay_prop( $input, 'id' ) ] ?? '' ), $inputs ) ) )
			: (string) ( $entry[ $id ] ?? '' );
		if ( '' !== $value ) {
			$fields[ $label ] = $value;
		}
	}
	ai_relay_send_mapped_lead( $fields, 'gf-' . (int) ( $form['id'] ?? 0 ) . '-' . (int) $entry['id'], 'Gravity Forms: ' . (string) ( $form['title'] ?? '' ) );
}

/**
 * WPForms: fields by name. WPForms Lite stores no entries, so `$entry_id` is 0 there: the key is then the form id
 * and a hash of the submitted values, which a re-run of the same submission reproduces.
 */
function ai_relay_on_wpforms_process_complete( $fields, $entry, $form_data, $entry_id ): void {
	if ( ! is_array( $fields ) || ! is_array( $form_data ) ) {
		return;
	}
	$values = array();
	foreach ( $fields as $id => $field ) {
		$name            = (string) ( $field['name'] ?? '' ) ?: (string) $id;
		$values[ $name ] = (string) ( $field['value'] ?? '' );
	}
	$form_id = (int) ( $form_data['id'] ?? 0 );
	$lead_id = (int) $entry_id > 0
		? "wpforms-{$form_id}-" . (int) $entry_id
		: "wpforms-{$form_id}-" . substr( hash( 'sha256', (string) wp_json_encode( $values ) ), 0, 32 );
	ai_relay_send_mapped_lead( $values, $lead_id, 'WPForms: ' . (string) ( $form_data['settings']['form_title'] ?? '' ) );
}

/** Renames the fields the mapping names to email/name/company/message, keeps the rest, and sends the lead. */
function ai_relay_send_mapped_lead( array $fields, string $lead_id, string $source ): void {
	ai_relay_on_lead( ai_relay_map_lead_fields( $fields ), array( 'lead_id' => $lead_id, 'source' => trim( $source, ': ' ) ) );
}

function ai_relay_map_lead_fields( array $fields ): array {
	$mapped = array();
	foreach ( ai_relay_lead_field_map() as $role => $names ) {
		foreach ( $fields as $name => $value ) {
			if ( in_array( strtolower( trim( (string) $name ) ), $names, true ) ) {
				$mapped[ $role ] = $value;
				unset( $fields[ $name ] );
				break;
			}
		}
	}
	return $mapped + $fields;
}

/** A form plugin's field as an object (Gravity Forms' GF_Field) or an array. */
function ai_relay_prop( $item, string $name ) {
	if ( is_array( $item ) ) {
		return $item[ $name ] ?? null;
	}
	return is_object( $item ) && isset( $item->$name ) ? $item->$name : null;
}
