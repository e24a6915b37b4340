import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type ViewportSize } from 'playwright-core';
import { requireSystemFiles } from '../../tools/system-packages';
import type { WordPress } from '../../tools/wordpress';

type WordPressLogin = Pick<WordPress, 'baseUrl' | 'adminUser' | 'adminPassword'>;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Kept off the network (no updates, sync or QUIC), so it only talks to the servers a test started. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Closes Chromium and removes its profile. */
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium (or `CHROMIUM_PATH`) with a fresh throwaway profile: playwright takes it as the
 * persistent context's directory, its form of `--user-data-dir`, which it refuses as a flag.
 */
export async function launchChromium(options: { viewport?: ViewportSize } = {}): Promise<TestBrowser> {
  requireSystemFiles([{ path: CHROMIUM_PATH, pkg: 'chromium' }]);
  const profile = await mkdtemp(join(tmpdir(), 'wp-ai-relay-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      args: CHROMIUM_ARGS,
    });
    // Every wait (waitFor, waitForURL, a click's auto-wait) is for a state the page reaches; its deadline is the
    // same two minutes as eventually()'s, a message for a hang, not playwright's 30 s bet on a loaded machine.
    context.setDefaultTimeout(120_000);
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Logs `wp`'s admin in through wp-login.php in `context` and returns the page, on the dashboard. Admin pages link
 * to wordpress.org and its CDN; nothing outside this machine is needed, so those requests are refused.
 */
export async function logInToWordPress(context: BrowserContext, wp: WordPressLogin): Promise<Page> {
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${wp.baseUrl}/wp-login.php`);
  await page.fill('#user_login', wp.adminUser);
  await page.fill('#user_pass', wp.adminPassword);
  await Promise.all([page.waitForURL(/\/wp-admin\/?$/), page.click('#wp-submit')]);
  return page;
}
