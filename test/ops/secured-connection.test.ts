import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runRelayCli } from './helpers/cli';

const SECRET = { WP_RELAY_SECRET: 'a-secret-of-enough-length-01' };
const ADDRESS = 'my-ns.a1b2c.tmprl.cloud:7233';

describe('TLS and API key settings for a secured Temporal', () => {
  let dir: string;
  let files: { ca: string; cert: string; key: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wp-ai-relay-tls-'));
    files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') };
    await Promise.all(Object.entries(files).map(([name, path]) => writeFile(path, `-----BEGIN ${name}-----\n`)));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (env: Record<string, string>) => loadConfig({ ...SECRET, TEMPORAL_ADDRESS: ADDRESS, ...env });

  test('mTLS: the CA, the client certificate and key are read from their files, with the server name', () => {
    const options = temporalConnectionOptions(
      config({
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
        TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
      ADDRESS,
    );
    assert.equal(options.address, ADDRESS);
    assert.equal(options.tls?.serverNameOverride, 'temporal.internal');
    assert.equal(options.tls?.serverRootCACertificate?.toString(), '-----BEGIN ca-----\n');
    assert.equal(options.tls?.clientCertPair?.crt.toString(), '-----BEGIN cert-----\n');
    assert.equal(options.tls?.clientCertPair?.key.toString(), '-----BEGIN key-----\n');
    assert.equal(options.apiKey, undefined);
  });

  test('an API key turns TLS on with the system roots; TEMPORAL_TLS=true alone does too', () => {
    const withKey = temporalConnectionOptions(config({ TEMPORAL_API_KEY: 'key-123' }), ADDRESS);
    assert.equal(withKey.apiKey, 'key-123');
    assert.deepEqual(withKey.tls, {});
    assert.deepEqual(temporalConnectionOptions(config({ TEMPORAL_TLS: 'true' }), ADDRESS).tls, {});
    assert.equal(temporalConnectionOptions(config({}), ADDRESS).tls, undefined, 'plain gRPC by default');
  });

  test('the embedded dev server is reached without TLS whatever the settings', () => {
    const embedded = loadConfig({ TEMPORAL_API_KEY: 'key-123' });
    assert.deepEqual(temporalConnectionOptions(embedded, '127.0.0.1:7233'), { address: '127.0.0.1:7233' });
  });

  test('a certificate without its key, or TLS settings with TEMPORAL_TLS=false, stop start-up naming the variables', () => {
    assert.throws(() => config({ TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both/);
      return true;
    });
    assert.throws(() => config({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key-123' }), /TEMPORAL_TLS: is false, but/);
    assert.throws(() => config({ TEMPORAL_TLS: 'maybe' }), /TEMPORAL_TLS/);
  });

  test('a file that cannot be read stops start-up with the variable and the path', () => {
    const missing = join(dir, 'nope.pem');
    assert.throws(
      () => temporalConnectionOptions(config({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing }), ADDRESS),
      (error: unknown) => error instanceof ConfigError && error.message.includes(`TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${missing} (ENOENT)`),
    );
  });

  test('WORKER_METRICS_ADDRESS must be host:port', () => {
    assert.equal(config({ WORKER_METRICS_ADDRESS: '0.0.0.0:9464' }).worker.metricsAddress, '0.0.0.0:9464');
    assert.equal(config({ WORKER_METRICS_ADDRESS: '[::]:9464' }).worker.metricsAddress, '[::]:9464');
    assert.throws(() => config({ WORKER_METRICS_ADDRESS: '9464' }), /WORKER_METRICS_ADDRESS must be host:port, e.g. 0.0.0.0:9464/);
  });
});

describe('the CLI connects with the same settings', () => {
  let temporal: TestTemporal;

  before(async () => {
    temporal = await startTestTemporal();
  });
  after(async () => {
    await temporal?.stop();
  });

  test('plain gRPC reaches the dev server; with TEMPORAL_TLS=true the same command cannot, and says what to check', async () => {
    const plain = await runRelayCli(['failed'], { TEMPORAL_ADDRESS: temporal.address });
    assert.equal(plain.code, 0, plain.stderr);
    const tls = await runRelayCli(['failed'], { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TLS: 'true' });
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, new RegExp(`cannot reach Temporal at ${temporal.address}.*TEMPORAL_TLS_\\* / TEMPORAL_API_KEY`));
  });
});
