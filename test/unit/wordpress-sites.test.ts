import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MissingConfigError } from '../../activities/failures';
import { WordPressClient } from '../../activities/wordpress-client';
import { ConfigError, loadConfig } from '../../src/config/config';

const credentials = { username: 'relay', appPassword: 'app password', timeoutMs: 5_000 };

describe('WP_SITES: the sites of a network behind one relay', () => {
  it('reads each site\'s address, normalised as events name it, and where its REST API is', () => {
    const config = loadConfig({ WP_SITES: 'https://Example.com , https://example.com/shop=http://wordpress/shop/ ' });
    assert.deepEqual(config.wordpress.sites, {
      'https://example.com/': 'https://Example.com',
      'https://example.com/shop/': 'http://wordpress/shop',
    });
  });

  it('refuses an entry that is not a site, a site listed twice and an empty list, naming the variable', () => {
    for (const [value, message] of [
      ['example.com/shop/', /WP_SITES: "example\.com\/shop\/" is not a site/],
      ['https://example.com/=ftp://wordpress', /WP_SITES: "https:\/\/example\.com\/=ftp:\/\/wordpress" is not a site/],
      ['https://example.com/shop, https://example.com/shop/', /WP_SITES: https:\/\/example\.com\/shop\/ is listed twice/],
      [' , ', /WP_SITES: lists no site/],
    ] as const) {
      assert.throws(() => loadConfig({ WP_SITES: value }), (error: unknown) => error instanceof ConfigError && message.test(error.problems.join('\n')));
    }
  });
});

describe('the WordPress client of a run', () => {
  let server: Server;
  let origin: string;
  const paths: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  it('goes to the configured address of the run\'s site, whatever other site has posts with the same IDs', async () => {
    const sites = { 'https://example.com/': `${origin}/main`, 'https://example.com/second/': `${origin}/second` };
    paths.length = 0;
    await WordPressClient.fromConfig({ ...credentials, sites }, 'https://example.com/second/').request('GET', 'wp/v2/posts/7');
    await WordPressClient.fromConfig({ ...credentials, sites }, 'https://example.com/').request('GET', 'wp/v2/posts/7');
    assert.deepEqual(paths, ['/second/wp-json/wp/v2/posts/7', '/main/wp-json/wp/v2/posts/7']);
  });

  it('fails a run whose site is not configured, naming the entry to add, and never guesses an address from it', () => {
    const sites = { 'https://example.com/': `${origin}/main` };
    assert.throws(
      () => WordPressClient.fromConfig({ ...credentials, baseUrl: `${origin}/main`, sites }, 'https://attacker.example/'),
      (error: unknown) => error instanceof MissingConfigError && /set WP_SITES \(an entry for https:\/\/attacker\.example\/\)/.test(error.message),
    );
  });

  it('without WP_SITES, sends every run to WP_BASE_URL as a single site does', async () => {
    paths.length = 0;
    await WordPressClient.fromConfig({ ...credentials, baseUrl: `${origin}/only` }, 'https://example.com/second/').request('GET', 'wp/v2/posts/7');
    await WordPressClient.fromConfig({ ...credentials, baseUrl: `${origin}/only` }).request('GET', 'wp/v2/posts/7');
    assert.deepEqual(paths, ['/only/wp-json/wp/v2/posts/7', '/only/wp-json/wp/v2/posts/7']);
  });
});
