<?php
/**
 * wp-ai-relay's part of wp-config.php in docker-compose.yml (required from WORDPRESS_CONFIG_EXTRA). The compose
 * test boots a WordPress under `php -S` with this same file.
 */

// Application Passwords (the worker's login) are offered only over HTTPS or in a "local" environment, and the
// compose site is plain http on localhost. Behind TLS, give the containers WP_ENVIRONMENT_TYPE=production.
define( 'WP_ENVIRONMENT_TYPE', getenv( 'WP_ENVIRONMENT_TYPE' ) ?: 'local' );

// WP-Cron's own trigger is a loopback request to the site's URL, http://localhost:8081, which inside the container
// reaches nothing: the plugin's retries would never run. The wordpress-cron service calls wp-cron.php instead.
define( 'DISABLE_WP_CRON', true );

// The webhook secret relay-setup wrote (or was given), the receiver's too; the plugin never stores or shows it.
$ai_relay_secret_file = ( defined( 'AI_RELAY_SECRETS_DIR' ) ? AI_RELAY_SECRETS_DIR : '/run/wp-ai-relay' ) . '/webhook-secret';
if ( is_readable( $ai_relay_secret_file ) ) {
	define( 'AI_RELAY_SECRET', trim( (string) file_get_contents( $ai_relay_secret_file ) ) );
}
unset( $ai_relay_secret_file );
