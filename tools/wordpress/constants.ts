import { resolve } from 'node:path';

/** Symlinked into each site, so a test run always loads the plugin as it is in the working tree. */
export const PLUGIN_DIR = resolve(__dirname, '../../wordpress-plugin/wp-ai-relay');
export const PLUGIN_FILE = 'wp-ai-relay/wp-ai-relay.php';
export const DB_NAME = 'wordpress';
export const ADMIN_USER = 'admin';
