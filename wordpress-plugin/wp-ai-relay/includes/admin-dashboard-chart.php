<?php
/**
 * The dashboard widget's chart: the last 30 days, one bar per day (the rightmost is the last 24 hours), for posts
 * summarised and for comments by verdict, where the shape of the month says more than two totals. Drawn here as
 * inline SVG from the widget's cached figures: no script, nothing loaded from elsewhere, every value escaped.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** WordPress's admin colours, so the chart sits in the dashboard's palette (and a verdict keeps its colour). */
const AI_RELAY_CHART_COLOURS = array(
	'summarised' => '#2271b1',
	'spam'       => '#d63638',
	'toxic'      => '#8a2424',
	'question'   => '#dba617',
	'ok'         => '#00a32a',
);

const AI_RELAY_CHART_WIDTH  = 300;
const AI_RELAY_CHART_HEIGHT = 40;

/**
 * @param array{summarised: int[], labels: array<string, int[]>} $daily Counts per day, day 0 the last 24 hours.
 */
function ai_relay_render_dashboard_chart( array $daily ): void {
	$names = array( 'summarised' => __( 'Summarised', 'wp-ai-relay' ) ) + ai_relay_label_names();
	echo '<div class="ai-relay-dashboard-chart">';
	ai_relay_render_bar_chart( 'summaries', __( 'Posts with a summary, by the day they were published', 'wp-ai-relay' ), array( 'summarised' => $daily['summarised'] ), $names );
	ai_relay_render_bar_chart( 'comments', __( 'Comments by verdict, by the day they were posted', 'wp-ai-relay' ), $daily['labels'], $names );
	printf(
		'<p class="ai-relay-chart-axis" style="display:flex;justify-content:space-between;margin:0"><span>%s</span><span>%s</span></p>',
		/* translators: %d: number of days */
		esc_html( sprintf( _n( '%d day ago', '%d days ago', count( $daily['summarised'] ), 'wp-ai-relay' ), count( $daily['summarised'] ) ) ),
		esc_html__( 'today', 'wp-ai-relay' )
	);
	echo '<p class="ai-relay-chart-legend">';
	foreach ( $names as $series => $name ) {
		printf( '<span><span class="ai-relay-chart-key" style="display:inline-block;width:.8em;height:.8em;background:%s"></span> %s</span> ', esc_attr( AI_RELAY_CHART_COLOURS[ $series ] ), esc_html( $name ) );
	}
	echo '</p></div>';
}

/**
 * One chart: a caption, then a bar per day stacking its series, scaled to the chart's busiest day. Each bar part
 * carries its count in a tooltip (SVG `<title>`) and data attributes, which the tests read.
 *
 * @param string               $id     The chart's name (data-chart).
 * @param string               $title  What it shows.
 * @param array<string, int[]> $series Counts per day, by series.
 * @param array<string,string> $names  Each series' display name.
 */
function ai_relay_render_bar_chart( string $id, string $title, array $series, array $names ): void {
	$days  = count( reset( $series ) );
	$step  = AI_RELAY_CHART_WIDTH / max( 1, $days );
	$most  = 1;
	$total = 0;
	for ( $day = 0; $day < $days; $day++ ) {
		$sum   = array_sum( array_column( $series, $day ) );
		$most  = max( $most, $sum );
		$total = $total + $sum;
	}
	/* translators: 1: what the chart shows, 2: its total over the 30 days */
	printf( '<p class="ai-relay-chart-title">%s</p>', esc_html( sprintf( __( '%1$s, last 30 days: %2$s', 'wp-ai-relay' ), $title, number_format_i18n( $total ) ) ) );
	printf(
		'<svg class="ai-relay-chart" data-chart="%1$s" viewBox="0 0 %2$s %3$s" width="100%%" height="%3$s" preserveAspectRatio="none" role="img" aria-label="%4$s"><title>%5$s</title>',
		esc_attr( $id ),
		esc_attr( (string) AI_RELAY_CHART_WIDTH ),
		esc_attr( (string) AI_RELAY_CHART_HEIGHT ),
		esc_attr( $title ),
		esc_html( $title )
	);
	for ( $day = 0; $day < $days; $day++ ) {
		// Oldest on the left; parts stacked from the baseline up.
		$x = ( $days - 1 - $day ) * $step;
		$y = AI_RELAY_CHART_HEIGHT;
		foreach ( $series as $name => $counts ) {
			$count = (int) $counts[ $day ];
			if ( 0 === $count ) {
				continue;
			}
			$height = $count / $most * AI_RELAY_CHART_HEIGHT;
			$y     -= $height;
			printf(
				'<rect x="%1$s" y="%2$s" width="%3$s" height="%4$s" fill="%5$s" data-day="%6$s" data-series="%7$s" data-count="%8$s"><title>%9$s</title></rect>',
				esc_attr( number_format( $x + $step * 0.1, 2, '.', '' ) ),
				esc_attr( number_format( $y, 2, '.', '' ) ),
				esc_attr( number_format( $step * 0.8, 2, '.', '' ) ),
				esc_attr( number_format( $height, 2, '.', '' ) ),
				esc_attr( AI_RELAY_CHART_COLOURS[ $name ] ?? '#646970' ),
				esc_attr( (string) $day ),
				esc_attr( $name ),
				esc_attr( (string) $count ),
				esc_html( ai_relay_chart_tooltip( $names[ $name ] ?? $name, $count, $day ) )
			);
		}
	}
	printf( '<line x1="0" y1="%1$s" x2="%2$s" y2="%1$s" stroke="#c3c4c7" stroke-width="1"></line></svg>', esc_attr( (string) AI_RELAY_CHART_HEIGHT ), esc_attr( (string) AI_RELAY_CHART_WIDTH ) );
}

function ai_relay_chart_tooltip( string $name, int $count, int $day ): string {
	$when = 0 === $day
		? __( 'in the last 24 hours', 'wp-ai-relay' )
		/* translators: %d: how many days ago */
		: sprintf( _n( '%d day ago', '%d days ago', $day, 'wp-ai-relay' ), $day );
	/* translators: 1: a series such as Spam, 2: its count, 3: when, such as "3 days ago" */
	return sprintf( __( '%1$s: %2$s, %3$s', 'wp-ai-relay' ), $name, number_format_i18n( $count ), $when );
}
