import type { WordPress } from '../../tools/wordpress';
import { phpString } from '../../tools/wordpress/php';

export interface Archive {
  /** Published, summary up to date. */
  readonly upToDate: number[];
  /** Published, summary of older content. */
  readonly stale: number[];
  /** Published, no summary. */
  readonly missing: number[];
  /** Drafts: never in a batch. */
  readonly drafts: number[];
}

/**
 * Creates posts straight through WordPress (wp_insert_post in one PHP run: hundreds in a second or two) with
 * summary meta set the way the worker sets it, so a batch has a realistic mix to sort out. Titles are unique
 * (`${prefix} N`), which is how the stand-in LLM's requests are told apart.
 */
export async function seedArchive(
  wp: WordPress,
  prefix: string,
  counts: { upToDate: number; stale: number; missing: number; drafts?: number },
): Promise<Archive> {
  const out = await wp.runPhp(`
    $made = array('upToDate' => array(), 'stale' => array(), 'missing' => array(), 'drafts' => array());
    $n = 0;
    $counts = json_decode(${phpString(JSON.stringify({ upToDate: counts.upToDate, stale: counts.stale, missing: counts.missing, drafts: counts.drafts ?? 0 }))}, true);
    foreach ($counts as $kind => $count) {
      for ($i = 0; $i < $count; $i++) {
        $n++;
        $id = wp_insert_post(array(
          'post_title' => ${phpString(prefix)} . " $n",
          'post_content' => "Body of post $n, long enough to be worth a summary.",
          'post_status' => 'drafts' === $kind ? 'draft' : 'publish',
        ), true);
        if (is_wp_error($id)) { throw new Exception($id->get_error_message()); }
        $post = get_post($id);
        $hash = hash('sha256', $post->post_title . "\\0" . $post->post_content);
        if ('upToDate' === $kind) { update_post_meta($id, 'ai_relay_summary_hash', $hash); update_post_meta($id, 'ai_relay_summary', 'Old summary'); }
        if ('stale' === $kind) { update_post_meta($id, 'ai_relay_summary_hash', hash('sha256', "older content $n")); update_post_meta($id, 'ai_relay_summary', 'Stale summary'); }
        $made[$kind][] = $id;
      }
    }
    echo wp_json_encode($made);
  `);
  return JSON.parse(out) as Archive;
}

/** Post ID → whether its stored summary hash matches its content now. */
export async function summaryCurrent(wp: WordPress, ids: readonly number[]): Promise<Map<number, boolean>> {
  const out = await wp.runPhp(`
    $result = array();
    foreach (${JSON.stringify(ids)} as $id) {
      $post = get_post($id);
      $result[$id] = get_post_meta($id, 'ai_relay_summary_hash', true) === hash('sha256', $post->post_title . "\\0" . $post->post_content);
    }
    echo wp_json_encode((object) $result);
  `);
  return new Map(Object.entries(JSON.parse(out) as Record<string, boolean>).map(([id, ok]) => [Number(id), ok]));
}

/** The titles the stand-in LLM was asked to summarise, from request `from` on. */
export function summarisedTitles(requests: readonly { messages: { content: string }[] }[], from = 0): string[] {
  return requests.slice(from).map((r) => /^Title: (.*)$/m.exec(r.messages.at(-1)?.content ?? '')?.[1] ?? '?');
}
