import { join } from 'node:path';
import { projectToolsDir } from '../../src/temporal/temporal-cli';

/**
 * The WordPress versions the suite runs on: today's (Debian trixie's package, unpacked into the tools directory by
 * scripts/install-wordpress-current.sh) and the oldest supported (Debian bookworm's package, installed by apt).
 */
export const WORDPRESS_SERIES = ['6.8', '6.1'] as const;
export type WordPressSeries = (typeof WORDPRESS_SERIES)[number];

export interface WordPressInstall {
  readonly series: WordPressSeries;
  /** The WordPress files every site root is a copy of. */
  readonly dir: string;
  /** What must be there, and which package brings it, before a site can start. */
  readonly needs: readonly { readonly path: string; readonly pkg: string }[];
}

/** `TEST_WORDPRESS` (6.8 or 6.1) picks the version for a whole run; unset, today's. */
export function wordpressSeries(env: string | undefined = process.env.TEST_WORDPRESS): WordPressSeries {
  const series = env || '6.8';
  if (!(WORDPRESS_SERIES as readonly string[]).includes(series)) {
    throw new Error(`TEST_WORDPRESS=${series} is not a version the suite runs on: use one of ${WORDPRESS_SERIES.join(', ')}`);
  }
  return series as WordPressSeries;
}

export function wordpressInstall(series: WordPressSeries): WordPressInstall {
  if (series === '6.1') {
    const dir = '/usr/share/wordpress';
    return {
      series,
      dir,
      needs: [
        { path: `${dir}/wp-settings.php`, pkg: 'wordpress' },
        // 6.1's default theme: without it the front end renders an empty page.
        { path: `${dir}/wp-content/themes/twentytwentythree/theme.json`, pkg: 'wordpress-theme-twentytwentythree' },
      ],
    };
  }
  const dir = join(projectToolsDir(), `wordpress-${series}/usr/share/wordpress`);
  const pkg = `wordpress ${series} from Debian trixie (scripts/install-wordpress-current.sh)`;
  return {
    series,
    dir,
    needs: [
      { path: `${dir}/wp-settings.php`, pkg },
      { path: `${dir}/wp-content/themes/twentytwentyfive/theme.json`, pkg },
    ],
  };
}
