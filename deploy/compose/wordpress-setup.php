<?php
/**
 * relay-setup in docker-compose.yml: everything a user would otherwise type or click before the relay works, each
 * step checked before it is done, so running it again changes nothing that is already right.
 *
 *   1. the relay's secrets in RELAY_SECRETS_DIR: the webhook secret and the payload keys (given ones win, else
 *      generated once and kept);
 *   2. WordPress installed (the admin's password generated into the same directory, never printed);
 *   3. pretty permalinks (the worker reads and writes through /wp-json/), the wp-ai-relay plugin active, its
 *      endpoint and private-network setting, and an Application Password for the worker, handed over as a file.
 *
 * Runs with the PHP CLI on the site's own wp-config.php; test/ops/compose-wordpress.test.ts runs it too. Each step
 * that needs WordPress runs in a process of its own: installing needs WP_INSTALLING, the rest must not have it.
 * Exits non-zero with a message saying what to fix.
 */

const AI_RELAY_APP_PASSWORD_NAME = 'wp-ai-relay worker';
const AI_RELAY_PLUGIN            = 'wp-ai-relay/wp-ai-relay.php';

$ai_relay_step = $argv[1] ?? 'all';
$ai_relay_dir  = ai_relay_env( 'RELAY_SECRETS_DIR' );

if ( 'all' === $ai_relay_step ) {
	ai_relay_write_secrets( $ai_relay_dir );
	foreach ( array( 'install', 'configure' ) as $step ) {
		passthru( escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( __FILE__ ) . ' ' . $step, $code );
		if ( 0 !== $code ) {
			exit( $code );
		}
	}
	echo "relay-setup: done\n";
	exit( 0 );
}

ai_relay_load_wordpress( 'install' === $ai_relay_step );
if ( 'install' === $ai_relay_step ) {
	ai_relay_install( $ai_relay_dir );
} elseif ( 'configure' === $ai_relay_step ) {
	ai_relay_configure( $ai_relay_dir );
} else {
	ai_relay_fail( "unknown step \"$ai_relay_step\" (all, install or configure)" );
}

function ai_relay_fail( string $message ): void {
	fwrite( STDERR, "relay-setup: $message\n" );
	exit( 1 );
}

function ai_relay_env( string $name, ?string $fallback = null ): string {
	$value = getenv( $name );
	if ( false === $value || '' === $value ) {
		if ( null === $fallback ) {
			ai_relay_fail( "$name is not set" );
		}
		return $fallback;
	}
	return $value;
}

/** Written whole or not at all (temp file, then rename), readable by the relay's containers, whose users differ. */
function ai_relay_write_file( string $path, string $value ): void {
	$temp = $path . '.partial';
	if ( false === file_put_contents( $temp, $value ) || ! chmod( $temp, 0644 ) || ! rename( $temp, $path ) ) {
		ai_relay_fail( "could not write $path: is the relay-secrets volume mounted writable?" );
	}
}

function ai_relay_read_file( string $path ): string {
	return is_readable( $path ) ? trim( (string) file_get_contents( $path ) ) : '';
}

/** A given value replaces the stored one; without one, a stored value is kept and a missing one generated. */
function ai_relay_keep_or_generate( string $path, string $given, callable $generate, string $what ): void {
	if ( '' !== $given ) {
		if ( ai_relay_read_file( $path ) !== $given ) {
			ai_relay_write_file( $path, $given );
			echo "relay-setup: $what taken from the environment\n";
		}
		return;
	}
	if ( '' === ai_relay_read_file( $path ) ) {
		ai_relay_write_file( $path, $generate() );
		echo "relay-setup: $what generated into $path\n";
	}
}

function ai_relay_write_secrets( string $dir ): void {
	if ( ! is_dir( $dir ) || ! is_writable( $dir ) ) {
		ai_relay_fail( "RELAY_SECRETS_DIR $dir is not a writable directory" );
	}
	ai_relay_keep_or_generate( "$dir/webhook-secret", (string) getenv( 'WP_RELAY_SECRET' ), fn () => bin2hex( random_bytes( 32 ) ), 'webhook secret' );
	ai_relay_keep_or_generate( "$dir/payload-keys", (string) getenv( 'PAYLOAD_ENCRYPTION_KEYS' ), fn () => 'k1:' . base64_encode( random_bytes( 32 ) ), 'payload keys' );
}

function ai_relay_load_wordpress( bool $installing ): void {
	$url = ai_relay_env( 'WORDPRESS_URL' );
	// WordPress takes the host from the request; the CLI has none.
	$_SERVER['HTTP_HOST']   = (string) parse_url( $url, PHP_URL_HOST ) . ( parse_url( $url, PHP_URL_PORT ) ? ':' . parse_url( $url, PHP_URL_PORT ) : '' );
	$_SERVER['REQUEST_URI'] = '/';
	if ( $installing ) {
		define( 'WP_INSTALLING', true );
	}
	$path = rtrim( ai_relay_env( 'WORDPRESS_PATH' ), '/' );
	if ( ! is_file( "$path/wp-load.php" ) || ! is_file( "$path/wp-config.php" ) ) {
		ai_relay_fail( "no WordPress with a wp-config.php in $path yet (the wordpress service writes both on its first start)" );
	}
	require "$path/wp-load.php";
}

/** The install mail would carry the admin's password, and the containers have no mail transport anyway. */
function wp_new_blog_notification() {}

function ai_relay_install( string $dir ): void {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	if ( is_blog_installed() ) {
		return;
	}
	$password = wp_generate_password( 24 );
	ai_relay_write_file( "$dir/wordpress-admin-password", $password );
	$result = wp_install( 'wp-ai-relay', ai_relay_env( 'WORDPRESS_ADMIN_USER', 'admin' ), ai_relay_env( 'WORDPRESS_ADMIN_EMAIL', 'admin@example.com' ), false, '', $password );
	if ( empty( $result['user_id'] ) ) {
		ai_relay_fail( 'wp_install did not create the admin user' );
	}
	echo "relay-setup: WordPress installed; the admin's password is in $dir/wordpress-admin-password\n";
}

function ai_relay_configure( string $dir ): void {
	require_once ABSPATH . 'wp-admin/includes/plugin.php';

	// The site's address as the browser reaches it; wp_install could only guess it from the CLI.
	$url = untrailingslashit( ai_relay_env( 'WORDPRESS_URL' ) );
	foreach ( array( 'siteurl', 'home' ) as $option ) {
		if ( get_option( $option ) !== $url ) {
			update_option( $option, $url );
		}
	}

	// Installing tries to switch permalinks on with a loopback request to that address, which a container cannot
	// make; without them /wp-json/ is a 404. A structure the user chose is kept.
	if ( '' === (string) get_option( 'permalink_structure' ) ) {
		$GLOBALS['wp_rewrite']->set_permalink_structure( '/%postname%/' );
		echo "relay-setup: pretty permalinks on (/%postname%/)\n";
	}
	flush_rewrite_rules( false );

	if ( ! is_plugin_active( AI_RELAY_PLUGIN ) ) {
		$activated = activate_plugin( AI_RELAY_PLUGIN );
		if ( is_wp_error( $activated ) ) {
			ai_relay_fail( 'could not activate the wp-ai-relay plugin: ' . $activated->get_error_message() );
		}
		echo "relay-setup: plugin activated\n";
	}

	// The settings page's two fields for a receiver on the compose network; values a user saved since are kept.
	if ( '' === (string) get_option( 'ai_relay_endpoint', '' ) ) {
		update_option( 'ai_relay_endpoint', esc_url_raw( ai_relay_env( 'RELAY_ENDPOINT' ), array( 'http', 'https' ) ) );
		update_option( 'ai_relay_allow_private', true );
		echo "relay-setup: plugin endpoint set, private network allowed\n";
	}

	ai_relay_ensure_app_password( $dir );
}

/** The worker's Application Password, as the file WP_APP_PASSWORD_FILE names; a stored one still valid is kept. */
function ai_relay_ensure_app_password( string $dir ): void {
	$login = ai_relay_env( 'WORDPRESS_ADMIN_USER', 'admin' );
	$user  = get_user_by( 'login', $login );
	if ( ! $user ) {
		ai_relay_fail( "no WordPress user \"$login\" (WP_USERNAME) to create the worker's Application Password for" );
	}
	if ( ! wp_is_application_passwords_available_for_user( $user ) ) {
		ai_relay_fail( 'Application Passwords are unavailable: WordPress offers them over HTTPS or with WP_ENVIRONMENT_TYPE=local only' );
	}
	$file   = "$dir/wp-app-password";
	$stored = ai_relay_read_file( $file );
	$ours   = array_filter(
		WP_Application_Passwords::get_user_application_passwords( $user->ID ),
		fn ( $item ) => AI_RELAY_APP_PASSWORD_NAME === $item['name']
	);
	if ( '' !== $stored && $ours ) {
		// Checked the way a REST request is, so whatever hash this WordPress version uses is honoured.
		add_filter( 'application_password_is_api_request', '__return_true' );
		if ( wp_authenticate_application_password( null, $login, $stored ) instanceof WP_User ) {
			return;
		}
	}
	foreach ( $ours as $item ) {
		WP_Application_Passwords::delete_application_password( $user->ID, $item['uuid'] );
	}
	$created = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => AI_RELAY_APP_PASSWORD_NAME ) );
	if ( is_wp_error( $created ) ) {
		ai_relay_fail( 'could not create an Application Password: ' . $created->get_error_message() );
	}
	ai_relay_write_file( $file, $created[0] );
	echo "relay-setup: Application Password \"" . AI_RELAY_APP_PASSWORD_NAME . "\" for $login written to $file\n";
}
