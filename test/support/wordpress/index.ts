export { PLUGIN_FILE } from './constants';
export { elapse, pluginLogLines, readOutbox, type OutboxRow } from './plugin';
export { startWordPress } from './start';
export type { ConfigValue, WordPress, WordPressOptions } from './types';
