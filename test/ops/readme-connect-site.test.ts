import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/config/config';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { copyOfCheckout, type CheckoutCopy } from '../support/checkout-copy';
import { eventually } from '../support/eventually';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { npmStartEnv, startNpmStart, type NpmStart } from '../support/npm-start';
import { codeSpans, isVariableName, italics, readmeSteps } from '../support/readme';
import { startWordPress, type WordPress } from '../../tools/wordpress';
import { runCommand } from './helpers/cli';

const steps = readmeSteps('Connect your own site in five steps');
const step = (n: number) => steps[n - 1] ?? assert.fail(`the README's "Connect your own site" has no step ${n}`);

/** The stand-in LLM takes any key and model; these show that the relay sent the ones `.env` names. */
const API_KEY = 'sk-readme-steps';
const MODEL = 'readme-steps-model';

/**
 * "Connect your own site in five steps", done as a newcomer would from the README's own words: the commands,
 * settings, variable names, screens, fields and buttons are read from README.md, on a real WordPress (without the
 * plugin until step 1) in Chromium, with the relay run by `npm start` in a fresh copy of this tree whose `.env`
 * holds exactly what the steps say. The LLM is the stand-in, as the OpenAI-compatible server of step 4.
 */
describe("the README's \"Connect your own site in five steps\", as written", () => {
  let wp: WordPress;
  let llm: LlmStub;
  let chromium: TestBrowser;
  let page: Page;
  let clone: CheckoutCopy;
  let relay: NpmStart | undefined;
  /** The relay's `.env`, as the steps fill it in. */
  const dotenv = new Map<string, string>();
  /** The environment of the commands run in the clone: a shell's, with the free ports this machine has. */
  let shellEnv: Record<string, string>;

  const writeDotenv = () => writeFileSync(join(clone.dir, '.env'), [...dotenv].map(([name, value]) => `${name}=${value}\n`).join(''));

  before(async () => {
    [wp, llm, chromium] = await Promise.all([startWordPress({ installPlugin: false }), startLlmStub(), launchChromium()]);
    clone = copyOfCheckout();
    page = await logInToWordPress(chromium.context, wp);
    shellEnv = await npmStartEnv();
  });
  after(async () => {
    await relay?.stop('SIGTERM');
    await Promise.all([chromium?.close(), llm?.close(), wp?.stop()]);
    clone?.remove();
  });

  it('1. installs the plugin: its folder copied into wp-content/plugins/, then activated on the Plugins screen', async () => {
    const [pluginDir, pluginsDir] = codeSpans(step(1));
    assert.ok(pluginDir && pluginsDir, step(1));
    const slug = basename(pluginDir);
    cpSync(join(clone.dir, pluginDir), join(wp.dir, 'site', pluginsDir, slug), { recursive: true });

    await page.goto(`${wp.baseUrl}/wp-admin/plugins.php`);
    await Promise.all([page.waitForURL(/activate=true/), page.locator(`tr[data-plugin^="${slug}/"] .activate a`).click()]);
    const active = await wp.runPhp(`require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo is_plugin_active('${slug}/${slug}.php') ? 'active' : 'inactive';`);
    assert.equal(active, 'active');
  });

  it('2. shares a secret: the define in wp-config.php, the same secret in .env', async () => {
    const spans = codeSpans(step(2));
    const define = spans.find((span) => span.startsWith('define('));
    const [name, placeholder] = spans.find((span) => /^[A-Z_]+=/.test(span))?.split('=') ?? [];
    assert.ok(define && name && placeholder === '...', step(2));
    assert.ok(define.includes("'...'"), define);
    const secret = randomBytes(18).toString('base64url'); // 24 characters: "one of 16+"

    const config = join(wp.dir, 'site', 'wp-config.php');
    const settings = "require_once ABSPATH . 'wp-settings.php';";
    assert.ok(readFileSync(config, 'utf8').includes(settings));
    writeFileSync(config, readFileSync(config, 'utf8').replace(settings, `${define.replace("'...'", `'${secret}'`)}\n${settings}`));
    dotenv.set(name, secret);
    writeDotenv();
    assert.equal(await wp.runPhp("echo ai_relay_secret_is_constant() ? 'wp-config.php' : 'the database';"), 'wp-config.php');
  });

  it('3. lets the relay write back: an Application Password made on Users → Profile, and the site, user and password in .env', async () => {
    const [screen] = italics(step(3));
    assert.ok(screen, step(3));
    await followAdminMenu(page, wp.baseUrl, screen);
    await page.getByLabel('New Application Password Name').fill('wp-ai-relay');
    await page.click('#do_new_application_password');
    const appPassword = await page.inputValue('#new-application-password-value');
    const username = await page.inputValue('#user_login');

    // The step names the site, the user and the password, in that order.
    const variables = names(step(3));
    assert.equal(variables.length, 3, step(3));
    [wp.baseUrl, username, appPassword].forEach((value, i) => dotenv.set(variables[i]!, value));
    writeDotenv();
  });

  it('4. chooses the LLM: key, model and an OpenAI-compatible server in .env, and `relay check` says both endpoints answer', async () => {
    const spans = codeSpans(step(4));
    const [keyName, modelName] = names(step(4));
    const [urlName, exampleUrl] = spans.find((span) => /^[A-Z_]+=/.test(span))?.split('=') ?? [];
    const check = spans.find((span) => span.startsWith('npm '));
    assert.ok(keyName && modelName && urlName && exampleUrl && check, step(4));
    dotenv.set(keyName, API_KEY);
    dotenv.set(modelName, MODEL);
    // The README's example is Ollama on its own host and port; the stand-in serves the same path on its own.
    dotenv.set(urlName, `${new URL(llm.baseURL).origin}${new URL(exampleUrl).pathname}`);
    writeDotenv();

    const out = await runCommand('sh', ['-c', check], shellEnv, clone.dir);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, new RegExp(`^ok +LLM at ${escape(new URL(llm.baseURL).origin)} \\(${urlName}\\)$`, 'm'));
    assert.match(out.stdout, new RegExp(`^ok +WordPress at ${escape(wp.baseUrl)} \\(${names(step(3))[0]}\\)$`, 'm'));
  });

  it('5. points the plugin at the relay: the endpoint and events saved on Settings → AI Relay, and the test event answered 202', async () => {
    const spans = codeSpans(step(5));
    const start = spans.find((span) => span.startsWith('npm '));
    assert.equal(start, 'npm start', step(5)); // what startNpmStart runs
    relay = startNpmStart(shellEnv, clone.dir);
    assert.match(await relay.banner, /^wp-ai-relay ready in/);

    const [screen, ...controls] = italics(step(5));
    const [privateNetwork, save, sendTest] = controls;
    assert.ok(screen && privateNetwork && save && sendTest, step(5));
    await followAdminMenu(page, wp.baseUrl, screen);

    const endpoint = new URL(spans.find((span) => span.includes('<relay host>'))!.replace('<relay host>', '127.0.0.1'));
    // The README's port is the relay's default; here it listens on a free one.
    assert.equal(Number(endpoint.port), loadConfig({}).port);
    endpoint.port = shellEnv.PORT!;
    await page.getByLabel('Endpoint', { exact: true }).fill(endpoint.href);
    const events = spans.filter((span) => /^[a-z]+\.[a-z]+$/.test(span));
    assert.ok(events.length > 0, step(5));
    for (const event of events) await page.check(`input[name="ai_relay_events[]"][value="${event}"]`);
    await page.getByLabel(privateNetwork).check();
    await Promise.all([page.waitForURL(/settings-updated=true/), page.getByRole('button', { name: save, exact: true }).click()]);

    await Promise.all([page.waitForURL(/#ai-relay-test$/), page.getByRole('button', { name: sendTest, exact: true }).click()]);
    const shown = (await page.textContent('.ai-relay-test-result strong')) ?? '';
    assert.ok(shown.includes(spans.at(-1)!), `the test event shows ${spans.at(-1)}: ${shown}`);
  });

  it('then a post published on the site gets its summary written back', async () => {
    const title = 'Connected in five steps';
    const response = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title, content: 'The README, followed.', status: 'publish' }) });
    const { id } = (await response.json()) as { id: number };
    const summary = await eventually(
      async () => {
        const post = (await (await wp.rest(`/wp/v2/posts/${id}?context=edit`)).json()) as { meta: Record<string, string> };
        return post.meta.ai_relay_summary || undefined;
      },
      `the summary of post ${id}`,
      undefined,
      () => relay?.output() ?? '',
    );
    assert.equal(summary, `A short summary of “${title}”.`);
    // With the key and model .env names, and no other.
    assert.ok(llm.requests.length > 0);
    assert.deepEqual(new Set(llm.requests.map((r) => `${r.authorization} ${r.model}`)), new Set([`Bearer ${API_KEY} ${MODEL}`]));
  });
});

/** The variable names a step gives, in order. */
function names(text: string): string[] {
  return codeSpans(text).filter(isVariableName);
}

/**
 * Follows `Menu → Item` in the admin menu as a user clicks it, and waits for the screen it opens, whose heading is
 * the item's name.
 */
async function followAdminMenu(page: Page, baseUrl: string, path: string): Promise<void> {
  const [menu, item] = path.split('→').map((part) => part.trim());
  assert.ok(menu && item, `"${path}" is a menu and an item`);
  await page.goto(`${baseUrl}/wp-admin/`);
  await page.locator('#adminmenu .wp-menu-name').getByText(menu, { exact: true }).click();
  await page.locator('#adminmenu .wp-submenu a').getByText(item, { exact: true }).click();
  await page.getByRole('heading', { level: 1, name: item, exact: true }).waitFor();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
