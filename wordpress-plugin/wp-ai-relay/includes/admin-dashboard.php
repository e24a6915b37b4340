<?php
/**
 * A dashboard widget for administrators: what the relay did in the last 7 and 30 days, and a chart of the last 30
 * days (admin-dashboard-chart.php). Every figure comes from what the plugin already stores, with queries bounded by
 * an index range (the posts and comments of the last 30 days) or by the outbox, which is pruned; nothing scans the
 * whole site. The figures are kept for five minutes.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

const AI_RELAY_DASHBOARD_PERIODS = array( 7, 30 );

function ai_relay_add_dashboard_widget(): void {
	if ( current_user_can( 'manage_options' ) ) {
		wp_add_dashboard_widget( 'ai_relay_dashboard', esc_html__( 'AI Relay', 'wp-ai-relay' ), 'ai_relay_render_dashboard_widget' );
	}
}

/**
 * The figures for each period and day, computed once per source over the longest period (one range scan each) and
 * kept for a few minutes: the dashboard is the page administrators open most.
 *
 * @return array{periods: array<int, array{published: int, summarised: int, labels: array<string, int>, leads: int}>, daily: array{summarised: int[], labels: array<string, int[]>}}
 */
function ai_relay_dashboard_figures(): array {
	$cached = get_transient( 'ai_relay_dashboard_figures' );
	if ( is_array( $cached ) ) {
		return $cached;
	}
	$figures = ai_relay_compute_dashboard_figures( time() );
	set_transient( 'ai_relay_dashboard_figures', $figures, (int) apply_filters( 'ai_relay_dashboard_cache_seconds', 5 * MINUTE_IN_SECONDS ) );
	return $figures;
}

/**
 * One query per source over the longest period. Posts and comments are counted per day in SQL (a day is 24 hours
 * back from now, day 0 the last 24 hours: the same rolling window as the periods), so each query answers at most a
 * few rows per day whatever the site's size, and the periods are the sums of their days. Leads are counted per
 * period (`SUM(created_at >= since)`).
 *
 * @return array{periods: array<int, array{published: int, summarised: int, labels: array<string, int>, leads: int}>, daily: array{summarised: int[], labels: array<string, int[]>}}
 */
function ai_relay_compute_dashboard_figures( int $now ): array {
	global $wpdb;
	$periods = AI_RELAY_DASHBOARD_PERIODS;
	$longest = max( $periods );
	// post_date is in the site's time zone, the other columns in UTC.
	$offset = (int) ( (float) get_option( 'gmt_offset' ) * HOUR_IN_SECONDS );
	$utc    = fn( $days ) => gmdate( 'Y-m-d H:i:s', $now - $days * DAY_IN_SECONDS );
	$local  = fn( $days ) => gmdate( 'Y-m-d H:i:s', $now - $days * DAY_IN_SECONDS + $offset );
	$types  = ai_relay_post_types();
	$in     = implode( ', ', array_fill( 0, count( $types ), '%s' ) );
	$table  = ai_relay_outbox_table();
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $in and $sums hold placeholders only; table names are WordPress's and ours.
	// The posts of the longest period, through the type_status_date index, by day; summarised if the relay wrote its run.
	$posts = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT FLOOR(TIMESTAMPDIFF(SECOND, p.post_date, %s) / 86400) AS day, COUNT(*) AS published, COUNT(m.meta_id) AS summarised
			FROM {$wpdb->posts} p LEFT JOIN {$wpdb->postmeta} m ON m.post_id = p.ID AND m.meta_key = %s
			WHERE p.post_type IN ({$in}) AND p.post_status = 'publish' AND p.post_date >= %s GROUP BY day",
			array_merge( array( $local( 0 ), AI_RELAY_META_RUN ), $types, array( $local( $longest ) ) )
		),
		ARRAY_A
	);
	// The comments of the longest period, through the comment_date_gmt index, by the label of their verdict and day.
	$labels = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT JSON_UNQUOTE(JSON_EXTRACT(m.meta_value, '$.label')) AS label, FLOOR(TIMESTAMPDIFF(SECOND, c.comment_date_gmt, %s) / 86400) AS day, COUNT(*) AS n
			FROM {$wpdb->comments} c JOIN {$wpdb->commentmeta} m ON m.comment_id = c.comment_ID AND m.meta_key = %s
			WHERE c.comment_date_gmt >= %s GROUP BY label, day",
			array( $utc( 0 ), AI_RELAY_META_VERDICT, $utc( $longest ) )
		),
		ARRAY_A
	);
	$sums  = implode( ', ', array_map( fn( $days ) => "SUM(created_at >= %d) AS leads_{$days}", $periods ) );
	$leads = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT {$sums} FROM {$table} WHERE event = 'lead.submitted' AND status = 'delivered' AND created_at >= %d",
			array_merge( array_map( fn( $days ) => $now - $days * DAY_IN_SECONDS, $periods ), array( $now - $longest * DAY_IN_SECONDS ) )
		),
		ARRAY_A
	);
	// phpcs:enable
	// A row exactly at the period's start is day $longest; it belongs to the oldest day, as to the period.
	$day   = fn( $row ) => max( 0, min( $longest - 1, (int) $row['day'] ) );
	$daily = array(
		'published'  => array_fill( 0, $longest, 0 ),
		'summarised' => array_fill( 0, $longest, 0 ),
		'labels'     => array_fill_keys( AI_RELAY_LABELS, array_fill( 0, $longest, 0 ) ),
	);
	foreach ( $posts as $row ) {
		$daily['published'][ $day( $row ) ]  += (int) $row['published'];
		$daily['summarised'][ $day( $row ) ] += (int) $row['summarised'];
	}
	foreach ( $labels as $row ) {
		if ( isset( $daily['labels'][ $row['label'] ] ) ) {
			$daily['labels'][ $row['label'] ][ $day( $row ) ] += (int) $row['n'];
		}
	}
	$first   = fn( array $counts, int $days ) => array_sum( array_slice( $counts, 0, $days ) );
	$figures = array();
	foreach ( $periods as $days ) {
		$figures[ $days ] = array(
			'published'  => $first( $daily['published'], $days ),
			'summarised' => $first( $daily['summarised'], $days ),
			'labels'     => array_map( fn( $counts ) => $first( $counts, $days ), $daily['labels'] ),
			'leads'      => (int) ( $leads[ "leads_{$days}" ] ?? 0 ),
		);
	}
	return array(
		'periods' => $figures,
		'daily'   => array( 'summarised' => $daily['summarised'], 'labels' => $daily['labels'] ),
	);
}

function ai_relay_render_dashboard_widget(): void {
	$figures = ai_relay_dashboard_figures();
	$periods = $figures['periods'];
	echo '<table class="widefat striped ai-relay-dashboard"><thead><tr><td></td>';
	foreach ( AI_RELAY_DASHBOARD_PERIODS as $days ) {
		/* translators: %d: number of days */
		echo '<th scope="col">' . esc_html( sprintf( _n( 'Last %d day', 'Last %d days', $days, 'wp-ai-relay' ), $days ) ) . '</th>';
	}
	echo '</tr></thead><tbody>';
	echo '<tr data-row="summaries"><th scope="row">' . esc_html__( 'Posts published with a summary', 'wp-ai-relay' ) . '</th>';
	foreach ( $periods as $period ) {
		/* translators: 1: posts with a summary, 2: posts published */
		echo '<td>' . esc_html( sprintf( __( '%1$d of %2$d', 'wp-ai-relay' ), $period['summarised'], $period['published'] ) ) . '</td>';
	}
	echo '</tr>';
	foreach ( ai_relay_label_names() as $label => $name ) {
		/* translators: %s: a verdict's label, such as Spam */
		echo '<tr data-row="comments-' . esc_attr( $label ) . '"><th scope="row">' . esc_html( sprintf( __( 'Comments: %s', 'wp-ai-relay' ), $name ) ) . '</th>';
		foreach ( $periods as $period ) {
			echo '<td>' . esc_html( number_format_i18n( $period['labels'][ $label ] ) ) . '</td>';
		}
		echo '</tr>';
	}
	echo '<tr data-row="leads"><th scope="row">' . esc_html__( 'Leads sent to the CRM', 'wp-ai-relay' ) . '</th>';
	foreach ( $periods as $period ) {
		echo '<td>' . esc_html( number_format_i18n( $period['leads'] ) ) . '</td>';
	}
	echo '</tr></tbody></table>';
	ai_relay_render_dashboard_chart( $figures['daily'] );

	$counts = ai_relay_outbox_counts();
	printf(
		'<p class="ai-relay-dashboard-deliveries"><a href="%s">%s</a></p>',
		esc_url( ai_relay_settings_url( 'ai-relay-deliveries' ) ),
		esc_html(
			/* translators: 1: failed deliveries, 2: deliveries waiting for a retry */
			sprintf( __( 'Deliveries: %1$d failed, %2$d waiting', 'wp-ai-relay' ), $counts['failed'], $counts['pending'] )
		)
	);
	if ( defined( 'AI_RELAY_WEB_UI_URL' ) ) {
		printf( '<p><a href="%s">%s</a></p>', esc_url( (string) AI_RELAY_WEB_UI_URL ), esc_html__( 'Runs in the Temporal Web UI', 'wp-ai-relay' ) );
	}
}
