<?php
/**
 * Network Admin → Settings → AI Relay: the defaults of every site of the network. WordPress's Settings API does not
 * save network options (options.php writes the current site's), so the form posts to network/edit.php, WordPress's
 * own route for network settings, and is saved here after the nonce and capability checks. The fields are the
 * sites' own, shown with the network's values.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_NETWORK_ACTION = 'ai_relay_network';

function ai_relay_add_network_settings_page(): void {
	add_submenu_page( 'settings.php', __( 'AI Relay', 'wp-ai-relay' ), __( 'AI Relay', 'wp-ai-relay' ), 'manage_network_options', AI_RELAY_PAGE, 'ai_relay_render_network_settings_page' );
}

/** The fields that mean the same for a network as for a site; the secret and the test button are each site's. */
const AI_RELAY_NETWORK_FIELDS = array(
	'ai_relay_endpoint'         => 'ai_relay_field_endpoint',
	'ai_relay_key_id'           => 'ai_relay_field_key_id',
	'ai_relay_scheme'           => 'ai_relay_field_scheme',
	'ai_relay_allow_private'    => 'ai_relay_field_allow_private',
	'ai_relay_events'           => 'ai_relay_field_events',
	'ai_relay_batch_recurrence' => 'ai_relay_field_batch_recurrence',
	'ai_relay_comment_hold'     => 'ai_relay_field_comment_hold',
	'ai_relay_lead_fields'      => 'ai_relay_field_lead_fields',
);

function ai_relay_render_network_settings_page(): void {
	if ( ! current_user_can( 'manage_network_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'AI Relay: network defaults', 'wp-ai-relay' ) . '</h1>';
	echo '<p>' . esc_html__( 'Every site of the network uses these settings until its administrator sets its own in Settings → AI Relay. A site that sets a value back to the network\'s follows the network again.', 'wp-ai-relay' ) . '</p>';
	$notice = 'ai_relay_network_saved_' . get_current_user_id();
	$errors = get_site_transient( $notice );
	if ( is_array( $errors ) ) {
		delete_site_transient( $notice );
		$class = array() === $errors ? 'notice-success' : 'notice-error';
		$lines = array() === $errors ? array( __( 'Network defaults saved.', 'wp-ai-relay' ) ) : $errors;
		foreach ( $lines as $line ) {
			printf( '<div class="notice inline %s ai-relay-network-notice"><p>%s</p></div>', esc_attr( $class ), esc_html( $line ) );
		}
	}
	echo '<form method="post" action="' . esc_url( network_admin_url( 'edit.php?action=' . AI_RELAY_NETWORK_ACTION ) ) . '">';
	wp_nonce_field( AI_RELAY_NETWORK_ACTION );
	echo '<table class="form-table" role="presentation"><tbody>';
	echo '<tr><th scope="row">' . esc_html__( 'Secret', 'wp-ai-relay' ) . '</th><td><p id="ai_relay_secret">';
	echo esc_html(
		ai_relay_secret_is_constant()
			? __( 'Set in wp-config.php (AI_RELAY_SECRET): every site signs with it. It is not stored in the database.', 'wp-ai-relay' )
			: __( 'Define AI_RELAY_SECRET in wp-config.php to give every site the same secret. Without it, each site\'s administrator enters a secret of their own, which only that site stores.', 'wp-ai-relay' )
	);
	echo '</p></td></tr>';
	ai_relay_show_network_values();
	foreach ( AI_RELAY_NETWORK_FIELDS as $option => $render ) {
		echo '<tr><th scope="row"><label for="' . esc_attr( $option ) . '">' . esc_html( ai_relay_network_field_title( $option ) ) . '</label></th><td>';
		$render();
		echo '</td></tr>';
	}
	echo '</tbody></table>';
	submit_button();
	echo '</form></div>';
}

function ai_relay_network_field_title( string $option ): string {
	$titles = array(
		'ai_relay_endpoint'         => __( 'Endpoint', 'wp-ai-relay' ),
		'ai_relay_key_id'           => __( 'Key id', 'wp-ai-relay' ),
		'ai_relay_scheme'           => __( 'Signature scheme', 'wp-ai-relay' ),
		'ai_relay_allow_private'    => __( 'Private network', 'wp-ai-relay' ),
		'ai_relay_events'           => __( 'Send', 'wp-ai-relay' ),
		'ai_relay_batch_recurrence' => __( 'Batch schedule', 'wp-ai-relay' ),
		'ai_relay_comment_hold'     => __( 'Comments', 'wp-ai-relay' ),
		'ai_relay_lead_fields'      => __( 'Lead fields', 'wp-ai-relay' ),
	);
	// The comment fallback's fields sit in the Comments row.
	return $titles[ $option ] ?? $titles['ai_relay_comment_hold'];
}

/** On a site's settings page (load-settings_page_ai-relay), on a network: which settings are its own. */
function ai_relay_add_network_defaults_notice(): void {
	if ( is_multisite() ) {
		add_action( 'admin_notices', 'ai_relay_render_network_defaults_notice' );
	}
}

function ai_relay_render_network_defaults_notice(): void {
	$own = array_unique( array_map( 'ai_relay_network_field_title', array_filter( array_keys( AI_RELAY_NETWORK_SETTINGS ), 'ai_relay_site_overrides' ) ) );
	$own = array() === $own ? __( 'none', 'wp-ai-relay' ) : implode( ', ', $own );
	/* translators: %s: the settings this site sets itself, such as "Endpoint, Send" */
	$text = sprintf( __( 'This site uses the network\'s AI Relay settings except where it sets its own (%s). Setting a value back to the network\'s follows the network again.', 'wp-ai-relay' ), $own );
	echo '<div class="notice notice-info ai-relay-network-defaults"><p>' . esc_html( $text ) . '</p></div>';
}

/**
 * The site fields read their values with get_option(); on this screen they read the network's instead (or the
 * built-in default where the network has none), not the main site's.
 */
function ai_relay_show_network_values(): void {
	foreach ( array_keys( AI_RELAY_NETWORK_SETTINGS ) as $option ) {
		add_filter( "pre_option_{$option}", 'ai_relay_network_value', 10, 2 );
	}
}

/**
 * @param mixed  $pre    Not used: this screen always answers.
 * @param string $option The option's name.
 * @return mixed
 */
function ai_relay_network_value( $pre, $option ) {
	$registered = get_registered_settings()[ $option ]['default'] ?? '';
	$value      = get_site_option( $option, $registered );
	// false would tell get_option() to read the site's own value.
	return false === $value ? 0 : $value;
}

/** The form's handler (network/edit.php?action=ai_relay_network): each setting sanitised as a site's would be. */
function ai_relay_save_network_settings(): void {
	check_admin_referer( AI_RELAY_NETWORK_ACTION );
	if ( ! current_user_can( 'manage_network_options' ) ) {
		wp_die( esc_html__( 'You do not have permission to manage AI Relay.', 'wp-ai-relay' ), 403 );
	}
	$messages = array();
	foreach ( AI_RELAY_NETWORK_SETTINGS as $option => $sanitize ) {
		if ( 'ai_relay_key_id' === $option && ai_relay_key_id_is_constant() ) {
			continue;
		}
		$before = count( get_settings_errors( $option ) );
		// Each sanitiser takes what a form sends (a string, an array or nothing) and returns a clean value.
		$value  = $sanitize( isset( $_POST[ $option ] ) ? wp_unslash( $_POST[ $option ] ) : null );
		$errors = array_slice( get_settings_errors( $option ), $before );
		if ( array() !== $errors ) {
			// An invalid value keeps the network's previous one, as a site's form keeps its own.
			$messages = array_merge( $messages, array_column( $errors, 'message' ) );
			continue;
		}
		update_site_option( $option, $value );
	}
	// The sites' batch schedules follow their events and recurrence, which may be these defaults.
	ai_relay_for_each_site( 'ai_relay_sync_batch_schedule' );
	set_site_transient( 'ai_relay_network_saved_' . get_current_user_id(), $messages, MINUTE_IN_SECONDS );
	wp_safe_redirect( add_query_arg( 'page', AI_RELAY_PAGE, network_admin_url( 'settings.php' ) ) );
	exit;
}
