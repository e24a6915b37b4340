<?php
/**
 * A dashboard widget for administrators: what the relay did in the last 7 and 30 days. Every figure comes from what
 * the plugin already stores, with queries bounded by an index range (posts and comments of the period) or by the
 * outbox, which is pruned; nothing scans the whole site.
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
 * The figures for the last `$days` days.
 *
 * @return array{published: int, summarised: int, labels: array<string, int>, leads: int}
 */
function ai_relay_dashboard_period( int $days ): array {
	global $wpdb;
	$since_local = gmdate( 'Y-m-d H:i:s', (int) current_time( 'timestamp' ) - $days * DAY_IN_SECONDS ); // phpcs:ignore WordPress.DateTime.CurrentTimeTimestamp.Requested -- post_date is local time.
	$since_gmt   = gmdate( 'Y-m-d H:i:s', time() - $days * DAY_IN_SECONDS );
	$types       = ai_relay_post_types();
	$in          = implode( ', ', array_fill( 0, count( $types ), '%s' ) );
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $in holds placeholders only; table names are WordPress's and ours.
	// The posts of the period, through the type_status_date index; with a summary if the relay wrote its run.
	$posts = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT COUNT(*) AS published, COUNT(m.meta_id) AS summarised FROM {$wpdb->posts} p
			LEFT JOIN {$wpdb->postmeta} m ON m.post_id = p.ID AND m.meta_key = %s
			WHERE p.post_type IN ({$in}) AND p.post_status = 'publish' AND p.post_date >= %s",
			array_merge( array( AI_RELAY_META_RUN ), $types, array( $since_local ) )
		)
	);
	// The comments of the period, through the comment_date_gmt index, by the label of their verdict.
	$labels = array_fill_keys( AI_RELAY_LABELS, 0 );
	$rows   = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT JSON_UNQUOTE(JSON_EXTRACT(m.meta_value, '$.label')) AS label, COUNT(*) AS n FROM {$wpdb->comments} c
			JOIN {$wpdb->commentmeta} m ON m.comment_id = c.comment_ID AND m.meta_key = %s
			WHERE c.comment_date_gmt >= %s GROUP BY label",
			AI_RELAY_META_VERDICT,
			$since_gmt
		)
	);
	foreach ( $rows as $row ) {
		if ( isset( $labels[ $row->label ] ) ) {
			$labels[ $row->label ] = (int) $row->n;
		}
	}
	$table = ai_relay_outbox_table();
	$leads = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$table} WHERE event = 'lead.submitted' AND status = 'delivered' AND created_at >= %d", time() - $days * DAY_IN_SECONDS ) );
	// phpcs:enable
	return array(
		'published'  => (int) $posts->published,
		'summarised' => (int) $posts->summarised,
		'labels'     => $labels,
		'leads'      => $leads,
	);
}

function ai_relay_render_dashboard_widget(): void {
	$periods = array_map( 'ai_relay_dashboard_period', AI_RELAY_DASHBOARD_PERIODS );
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
