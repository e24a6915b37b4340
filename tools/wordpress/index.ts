export { PLUGIN_FILE } from './constants';
export { elapse, pluginLogLines, readOutbox, type OutboxRow } from './plugin';
export { startWordPress } from './start';
export { WORDPRESS_SERIES, wordpressSeries, type WordPressSeries } from './versions';
export type { ConfigValue, WordPress, WordPressOptions } from './types';
