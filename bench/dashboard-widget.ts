import { startWordPress } from '../tools/wordpress';
import type { BenchOptions } from './options';

/**
 * The dashboard widget's cost on a large site: fills a fresh test WordPress with `posts` published posts (every other
 * one summarised) and `comments` comments with a verdict each, spread over a year, with SQL (MariaDB's sequence
 * tables; seconds, not hours of wp_insert_post), then times the widget's queries (both periods' figures, uncached)
 * and its cached render. Prints figures; asserts nothing.
 */
export async function runDashboard(
  { posts, comments, runs }: BenchOptions['dashboard'],
  log: (line: string) => void,
  print: (line: object) => void,
): Promise<void> {
  const wp = await startWordPress();
  try {
    const filled = Date.now();
    // A year of posts and comments; label cycles through the four verdicts.
    await wp.runPhp(`
global $wpdb;
$year = 365 * 86400;
$wpdb->query("INSERT INTO {$wpdb->posts} (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type)
  SELECT 1, @d := FROM_UNIXTIME(UNIX_TIMESTAMP() - (seq * 7919) % $year), @d, 'Body', CONCAT('Post ', seq), '', 'publish', 'open', 'open', CONCAT('post-', seq), '', '', @d, @d, '', 'post'
  FROM seq_1_to_${posts}");
$first = (int) $wpdb->get_var("SELECT MIN(ID) FROM {$wpdb->posts} WHERE post_name = 'post-1'");
$wpdb->query("INSERT INTO {$wpdb->postmeta} (post_id, meta_key, meta_value) SELECT ID, 'ai_relay_summary_run', CONCAT('wf-', ID, '/run') FROM {$wpdb->posts} WHERE ID >= $first AND ID % 2 = 0");
$wpdb->query("INSERT INTO {$wpdb->comments} (comment_post_ID, comment_author, comment_author_email, comment_author_url, comment_author_IP, comment_date, comment_date_gmt, comment_content, comment_approved, comment_agent, comment_type)
  SELECT $first + seq % ${posts}, 'Reader', '', '', '', @d := FROM_UNIXTIME(UNIX_TIMESTAMP() - (seq * 104729) % $year), @d, 'A comment', '1', '', 'comment'
  FROM seq_1_to_${comments}");
$wpdb->query("INSERT INTO {$wpdb->commentmeta} (comment_id, meta_key, meta_value)
  SELECT comment_ID, 'ai_relay_verdict', JSON_OBJECT('label', ELT(1 + comment_ID % 4, 'spam', 'toxic', 'question', 'ok'), 'confidence', 0.9, 'reason', 'r', 'action', 'keep', 'run', 'wf/r', 'at', '2026-01-01T00:00:00Z')
  FROM {$wpdb->comments}");
$wpdb->query("ANALYZE TABLE {$wpdb->posts}, {$wpdb->postmeta}, {$wpdb->comments}, {$wpdb->commentmeta}");
`);
    const counts = JSON.parse(
      await wp.runPhp(
        "global $wpdb; echo wp_json_encode(array('posts' => (int) $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = 'post'\"), 'comments' => (int) $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->comments}\")));",
      ),
    ) as { posts: number; comments: number };
    log(`dashboard: filled ${counts.posts} posts and ${counts.comments} comments in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

    // The widget's queries (uncached, as on the first dashboard visit of each five minutes), run after run in one
    // PHP process; the first run also warms MariaDB's buffer pool. Then the render as most visits see it, cached.
    const timings = JSON.parse(
      await wp.runPhp(`
require_once WP_PLUGIN_DIR . '/wp-ai-relay/includes/admin-settings.php';
require_once WP_PLUGIN_DIR . '/wp-ai-relay/includes/admin-comments.php';
require_once WP_PLUGIN_DIR . '/wp-ai-relay/includes/admin-dashboard.php';
require_once WP_PLUGIN_DIR . '/wp-ai-relay/includes/admin-dashboard-chart.php';
global $wpdb;
$runs = array();
for ($i = 0; $i < ${runs}; $i++) {
  $queries = $wpdb->num_queries;
  $t = hrtime(true);
  $figures = ai_relay_compute_dashboard_figures(time());
  $runs[] = array('ms' => (hrtime(true) - $t) / 1e6, 'queries' => $wpdb->num_queries - $queries);
}
delete_transient('ai_relay_dashboard_figures');
ob_start(); ai_relay_render_dashboard_widget(); ob_end_clean();
$t = hrtime(true);
ob_start(); ai_relay_render_dashboard_widget(); ob_end_clean();
echo wp_json_encode(array('runs' => $runs, 'cachedRenderMs' => (hrtime(true) - $t) / 1e6, 'figures' => $figures['periods']));
`),
    ) as { runs: { ms: number; queries: number }[]; cachedRenderMs: number; figures: unknown };
    const warm = timings.runs.slice(1).map((r) => r.ms).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)] ?? NaN;
    print({
      scenario: 'dashboard',
      posts: counts.posts,
      comments: counts.comments,
      firstQueriesMs: Number(timings.runs[0]?.ms.toFixed(1)),
      medianQueriesMs: Number(median.toFixed(1)),
      maxQueriesMs: Number((warm.at(-1) ?? NaN).toFixed(1)),
      queries: timings.runs[0]?.queries,
      cachedRenderMs: Number(timings.cachedRenderMs.toFixed(2)),
      figures: timings.figures,
    });
  } finally {
    await wp.stop();
  }
}
