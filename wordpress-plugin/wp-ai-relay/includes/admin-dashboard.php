<?php
/**
 * A dashboard widget for administrators: what the relay did in the last 7 and 30 days. Every figure comes from what
 * the plugin already stores, with queries bounded by an index range (the posts and comments of the last 30 days) or
 * by the outbox, which is pruned; nothing scans the whole site. The figures are kept for five minutes.
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
 * The figures for each period, computed once per source over the longest period (one range scan each) and kept for
 * a few minutes: the dashboard is the page administrators open most.
 *
 * @return array<int, array{published: int, summarised: int, labels: array<string, int>, leads: int}> By days.
 */
function ai_relay_dashboard_figures(): array {
	$cached = get_transient( 'ai_relay_dashboard' );
	if ( is_array( $cached ) ) {
		return $cached;
	}
	$figures = ai_relay_compute_dashboard_figures( time() );
	set_transient( 'ai_relay_dashboard', $figures, (int) apply_filters( 'ai_relay_dashboard_cache_seconds', 5 * MINUTE_IN_SECONDS ) );
	return $figures;
}

/**
 * One query per source over the longest period, counting every period in SQL (`SUM(date >= since)` per period), so
 * each answers a handful of rows whatever the site's size.
 *
 * @return array<int, array{published: int, summarised: int, labels: array<string, int>, leads: int}> By days.
 */
function ai_relay_compute_dashboard_figures( int $now ): array {
	global $wpdb;
	$periods = AI_RELAY_DASHBOARD_PERIODS;
	$longest = $now - max( $periods ) * DAY_IN_SECONDS;
	// post_date is in the site's time zone, the other columns in UTC.
	$offset = (int) ( (float) get_option( 'gmt_offset' ) * HOUR_IN_SECONDS );
	$utc    = fn( $days ) => gmdate( 'Y-m-d H:i:s', $now - $days * DAY_IN_SECONDS );
	$local  = fn( $days ) => gmdate( 'Y-m-d H:i:s', $now - $days * DAY_IN_SECONDS + $offset );
	$sums   = fn( $column, $alias ) => implode( ', ', array_map( fn( $days ) => "SUM({$column} >= %s) AS {$alias}_{$days}", $periods ) );
	$types  = ai_relay_post_types();
	$in     = implode( ', ', array_fill( 0, count( $types ), '%s' ) );
	$table  = ai_relay_outbox_table();
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $in and $sums hold placeholders only; table names are WordPress's and ours.
	// The posts of the longest period, through the type_status_date index; summarised if the relay wrote its run.
	$posts = $wpdb->get_row(
		$wpdb->prepare(
			'SELECT ' . $sums( 'p.post_date', 'published' ) . ', ' . $sums( 'IF(m.meta_id IS NULL, NULL, p.post_date)', 'summarised' ) . "
			FROM {$wpdb->posts} p LEFT JOIN {$wpdb->postmeta} m ON m.post_id = p.ID AND m.meta_key = %s
			WHERE p.post_type IN ({$in}) AND p.post_status = 'publish' AND p.post_date >= %s",
			array_merge( array_map( $local, $periods ), array_map( $local, $periods ), array( AI_RELAY_META_RUN ), $types, array( $local( max( $periods ) ) ) )
		),
		ARRAY_A
	);
	// The comments of the longest period, through the comment_date_gmt index, by the label of their verdict.
	$labels = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT JSON_UNQUOTE(JSON_EXTRACT(m.meta_value, '$.label')) AS label, " . $sums( 'c.comment_date_gmt', 'n' ) . "
			FROM {$wpdb->comments} c JOIN {$wpdb->commentmeta} m ON m.comment_id = c.comment_ID AND m.meta_key = %s
			WHERE c.comment_date_gmt >= %s GROUP BY label",
			array_merge( array_map( $utc, $periods ), array( AI_RELAY_META_VERDICT, $utc( max( $periods ) ) ) )
		),
		ARRAY_A
	);
	$leads = $wpdb->get_row(
		$wpdb->prepare(
			'SELECT ' . $sums( 'created_at', 'leads' ) . " FROM {$table} WHERE event = 'lead.submitted' AND status = 'delivered' AND created_at >= %d",
			array_merge( array_map( fn( $days ) => $now - $days * DAY_IN_SECONDS, $periods ), array( $longest ) )
		),
		ARRAY_A
	);
	// phpcs:enable
	$figures = array();
	foreach ( $periods as $days ) {
		$figures[ $days ] = array(
			'published'  => (int) ( $posts[ "published_{$days}" ] ?? 0 ),
			'summarised' => (int) ( $posts[ "summarised_{$days}" ] ?? 0 ),
			'labels'     => array_fill_keys( AI_RELAY_LABELS, 0 ),
			'leads'      => (int) ( $leads[ "leads_{$days}" ] ?? 0 ),
		);
		foreach ( $labels as $row ) {
			if ( isset( $figures[ $days ]['labels'][ $row['label'] ] ) ) {
				$figures[ $days ]['labels'][ $row['label'] ] = (int) $row[ "n_{$days}" ];
			}
		}
	}
	return $figures;
}

function ai_relay_render_dashboard_widget(): void {
	$periods = ai_relay_dashboard_figures();
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
