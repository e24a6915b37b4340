<?php
/**
 * The outbox: every event is stored here before its first attempt, so a crash, a timeout or a receiver that is
 * down loses nothing. One row per idempotency key; the body is stored as the exact bytes every attempt sends.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_DB_VERSION = '1';

function ai_relay_outbox_table(): string {
	global $wpdb;
	return $wpdb->prefix . 'ai_relay_outbox';
}

function ai_relay_install_outbox(): void {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$table   = ai_relay_outbox_table();
	$charset = $wpdb->get_charset_collate();
	// dbDelta's parser wants this exact layout: one column per line, two spaces after PRIMARY KEY.
	dbDelta(
		"CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  idempotency_key varchar(64) NOT NULL,
  event varchar(32) NOT NULL,
  object_id bigint(20) unsigned NOT NULL DEFAULT 0,
  body longtext NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'pending',
  attempts smallint(5) unsigned NOT NULL DEFAULT 0,
  next_attempt_at bigint(20) unsigned NOT NULL DEFAULT 0,
  locked_until bigint(20) unsigned NOT NULL DEFAULT 0,
  last_http_status smallint(5) unsigned DEFAULT NULL,
  last_response text DEFAULT NULL,
  created_at bigint(20) unsigned NOT NULL,
  updated_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY idempotency_key (idempotency_key),
  KEY status_next (status,next_attempt_at)
) {$charset};"
	);
	update_option( 'ai_relay_db_version', AI_RELAY_DB_VERSION, false );
}

/** Plugin updates do not run the activation hook; bring the table up to date on the first load after one. */
function ai_relay_maybe_upgrade_outbox(): void {
	if ( get_option( 'ai_relay_db_version' ) !== AI_RELAY_DB_VERSION ) {
		ai_relay_install_outbox();
	}
}

/**
 * Stores an event. Returns the new row's id, or 0 when that key is already in the outbox: the same event seen
 * twice is one row, one delivery.
 */
function ai_relay_outbox_add( string $event, string $key, int $object_id, string $body ): int {
	global $wpdb;
	$now   = time();
	$table = ai_relay_outbox_table();
	$added = $wpdb->query(
		$wpdb->prepare(
			"INSERT IGNORE INTO {$table} (idempotency_key, event, object_id, body, status, attempts, next_attempt_at, created_at, updated_at) VALUES (%s, %s, %d, %s, 'pending', 0, %d, %d, %d)",
			$key,
			$event,
			$object_id,
			$body,
			$now,
			$now,
			$now
		)
	);
	return 1 === $added ? (int) $wpdb->insert_id : 0;
}

/**
 * Takes a pending row for one attempt: counts the attempt and leases the row, so a WP-Cron run and the request
 * that created the event never send it at the same time. Returns the row, or null if someone else holds it.
 */
function ai_relay_outbox_claim( int $id, int $lease_seconds ): ?object {
	global $wpdb;
	$now     = time();
	$table   = ai_relay_outbox_table();
	$claimed = $wpdb->query(
		$wpdb->prepare(
			"UPDATE {$table} SET locked_until = %d, attempts = attempts + 1, updated_at = %d WHERE id = %d AND status = 'pending' AND locked_until < %d",
			$now + $lease_seconds,
			$now,
			$id,
			$now
		)
	);
	if ( 1 !== $claimed ) {
		return null;
	}
	return $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$table} WHERE id = %d", $id ) );
}

/** Records the outcome of an attempt and releases the lease. `$status` is 'delivered', 'pending' or 'failed'. */
function ai_relay_outbox_record( int $id, string $status, ?int $http_status, string $response, int $next_attempt_at = 0 ): void {
	global $wpdb;
	$wpdb->update(
		ai_relay_outbox_table(),
		array(
			'status'           => $status,
			'last_http_status' => $http_status,
			'last_response'    => ai_relay_text( $response, 1000 ),
			'next_attempt_at'  => $next_attempt_at,
			'locked_until'     => 0,
			'updated_at'       => time(),
		),
		array( 'id' => $id ),
		array( '%s', '%d', '%s', '%d', '%d', '%d' ), // A null value is written as NULL whatever its format.
		array( '%d' )
	);
}

/** @return int[] Ids of pending rows whose next attempt is due, oldest first. */
function ai_relay_outbox_due( int $limit ): array {
	global $wpdb;
	$table = ai_relay_outbox_table();
	return array_map(
		'intval',
		$wpdb->get_col( $wpdb->prepare( "SELECT id FROM {$table} WHERE status = 'pending' AND next_attempt_at <= %d ORDER BY next_attempt_at, id LIMIT %d", time(), $limit ) )
	);
}

/** When the next pending row is due (Unix seconds), or null when nothing is pending. */
function ai_relay_outbox_next_due(): ?int {
	global $wpdb;
	$table = ai_relay_outbox_table();
	$next  = $wpdb->get_var( "SELECT MIN(GREATEST(next_attempt_at, locked_until)) FROM {$table} WHERE status = 'pending'" );
	return null === $next ? null : (int) $next;
}

/** A failed row goes back to pending with a full retry schedule, after the admin fixed the cause. */
function ai_relay_outbox_requeue( int $id ): bool {
	global $wpdb;
	$table = ai_relay_outbox_table();
	$now   = time();
	return 1 === $wpdb->query( $wpdb->prepare( "UPDATE {$table} SET status = 'pending', attempts = 0, next_attempt_at = %d, updated_at = %d WHERE id = %d AND status = 'failed'", $now, $now, $id ) );
}

/** @return object[] The most recent rows, newest first, for the admin's list. */
function ai_relay_outbox_recent( int $limit ): array {
	global $wpdb;
	$table = ai_relay_outbox_table();
	return $wpdb->get_results( $wpdb->prepare( "SELECT id, idempotency_key, event, object_id, status, attempts, next_attempt_at, last_http_status, last_response, created_at, updated_at FROM {$table} ORDER BY id DESC LIMIT %d", $limit ) );
}

/** @return array<string, int> Row counts by status. */
function ai_relay_outbox_counts(): array {
	global $wpdb;
	$table  = ai_relay_outbox_table();
	$counts = array( 'pending' => 0, 'delivered' => 0, 'failed' => 0 );
	foreach ( $wpdb->get_results( "SELECT status, COUNT(*) AS n FROM {$table} GROUP BY status" ) as $row ) {
		$counts[ $row->status ] = (int) $row->n;
	}
	return $counts;
}

/** Delivered rows are kept a while for the admin's list, failed ones longer; both go eventually. */
function ai_relay_prune_outbox(): void {
	global $wpdb;
	$table = ai_relay_outbox_table();
	$now   = time();
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE status = 'delivered' AND updated_at < %d", $now - (int) apply_filters( 'ai_relay_keep_delivered_seconds', 30 * DAY_IN_SECONDS ) ) );
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE status = 'failed' AND updated_at < %d", $now - (int) apply_filters( 'ai_relay_keep_failed_seconds', 90 * DAY_IN_SECONDS ) ) );
}
