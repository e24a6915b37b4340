import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { msToNumber } from '@temporalio/common/lib/time';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { CONFIG_VARIABLES, loadConfig, requireWebhookSecrets } from '../../src/config/config';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes';
import { startPostgres, type Postgres } from '../../tools/cluster/postgres';
import { DATABASES } from '../../tools/cluster/schema';
import { resolveServerBinaries, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION } from '../../tools/cluster/server-binaries';
import { dynamicConfigFile } from '../../tools/cluster/server-config';
import { NUM_HISTORY_SHARDS, POSTGRES_SETTINGS, SQL_POOLS } from '../../tools/cluster/tuning';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { eventually } from '../support/eventually';
import { ROOT, runCommand } from './helpers/cli';
import { renderCompose as render, serviceEnvironment, type ComposeProject as Project, type ComposeService as Service } from './helpers/compose';

const raw = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const RELAY_SERVICES = ['receiver', 'worker'] as const;
/** Services that do their work and exit; everything else runs until stopped. */
const ONE_OFFS = ['temporal-schema', 'temporal-setup', 'relay-setup'];
const TEMPORAL_VERSION = TEMPORAL_SERVER_VERSION;

const env = (s: Service) => serviceEnvironment({ services: { s } }, 's');

let compose: Project;
const service = (name: string) => {
  const found = compose.services[name];
  assert.ok(found, `service ${name} is missing`);
  return found;
};

describe('docker-compose.yml, rendered by Compose\'s own loader', () => {
  before(async () => {
    compose = await render();
  });

  test('loads with no variable set at all, so the first `up` and every `exec` work before any secret exists', () => {
    assert.doesNotMatch(raw, /\$\{\w+:?\?/, 'no ${X:?} or ${X?}: Compose refuses every command while one is unset');
    assert.doesNotMatch(raw, /\|\|\s*true/, 'no `|| true` hiding a failed set-up step');
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-admin-tools', 'temporal-ui', 'mariadb', 'wordpress', 'relay-setup', 'wordpress-cron', ...RELAY_SERVICES]) {
      service(name);
    }
    assert.equal(env(service('temporal')).DB, 'postgres12', 'Temporal persists to PostgreSQL');
  });

  test('every image, in compose and in the Dockerfile, is pinned; Temporal\'s are the harness\'s server version', () => {
    const pinned = (image: string) => /^[\w./-]+:(?!latest$)[\w.-]*\d[\w.-]*$/.test(image);
    for (const [name, s] of Object.entries(compose.services)) {
      assert.ok(s.image && pinned(s.image), `${name}: ${s.image} is not pinned to a version`);
      if (s.build !== undefined) assert.equal(s.image, `wp-ai-relay:${packageJson.version}`, `${name} tags its build with the package version`);
    }
    for (const name of ['temporal-schema', 'temporal-setup', 'temporal-admin-tools']) {
      assert.equal(service(name).image, `temporalio/admin-tools:${TEMPORAL_VERSION}`, `${name}: admin tools of the server's version`);
    }
    assert.equal(service('temporal').image, `temporalio/server:${TEMPORAL_VERSION}`);
    assert.match(service('postgresql').image!, /^postgres:15\./, 'the PostgreSQL major version the harness runs');
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    assert.ok(froms.length >= 2, 'a multi-stage build');
    for (const image of froms) assert.ok(pinned(image), `Dockerfile: ${image} is not pinned to a version`);
  });

  test('Temporal is configured as the cluster harness proves it: shards, pools, PostgreSQL settings, dynamic config', () => {
    const temporal = env(service('temporal'));
    assert.equal(temporal.NUM_HISTORY_SHARDS, String(NUM_HISTORY_SHARDS));
    assert.deepEqual(
      [temporal.SQL_MAX_CONNS, temporal.SQL_MAX_IDLE_CONNS, temporal.SQL_VIS_MAX_CONNS, temporal.SQL_VIS_MAX_IDLE_CONNS].map(Number),
      [SQL_POOLS.default.maxConns, SQL_POOLS.default.maxIdleConns, SQL_POOLS.visibility.maxConns, SQL_POOLS.visibility.maxIdleConns],
    );
    const mount = service('temporal').volumes?.find((v) => v.target === temporal.DYNAMIC_CONFIG_FILE_PATH);
    assert.equal(mount?.source, dynamicConfigFile(), 'the server loads the harness\'s dynamic config file');
    assert.ok(mount.read_only && existsSync(mount.source));
    const command = service('postgresql').command ?? [];
    const settings = Object.fromEntries(command.flatMap((arg, i) => (command[i - 1] === '-c' ? [arg.split('=') as [string, string]] : [])));
    assert.deepEqual(settings, POSTGRES_SETTINGS, 'PostgreSQL runs with the harness\'s (durable) settings');
    assert.ok(!Object.keys(settings).some((k) => ['fsync', 'synchronous_commit'].includes(k)), 'durability left on');
  });

  test('nothing needs tctl, which admin-tools images after 1.29 no longer carry', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.doesNotMatch(JSON.stringify([s.command, s.entrypoint, s.healthcheck, s.environment]), /tctl|TEMPORAL_CLI_ADDRESS/, name);
    }
    for (const script of ['temporal-schema.sh', 'temporal-setup.sh']) {
      assert.doesNotMatch(readFileSync(join(ROOT, 'deploy/compose', script), 'utf8').replace(/^#.*$/gm, ''), /\btctl\b/, script);
    }
  });

  test('every depends_on condition can be met: completed only for one-offs, healthy only with a healthcheck', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        const target = service(dependency);
        if (condition === 'service_completed_successfully') {
          assert.ok(ONE_OFFS.includes(dependency), `${name} waits for ${dependency} to exit, which it never does`);
        } else if (condition === 'service_healthy') {
          assert.ok(target.healthcheck, `${name} waits for ${dependency} to be healthy, which has no healthcheck`);
        } else {
          assert.equal(condition, 'service_started', `${name} → ${dependency}`);
        }
      }
    }
    for (const name of ONE_OFFS) {
      const s = service(name);
      assert.equal(s.restart ?? 'no', 'no', `${name} is a one-off: a restart policy would run it for ever`);
      assert.deepEqual(s.ports ?? [], [], `${name} publishes no port`);
    }
    for (const name of RELAY_SERVICES) {
      const dependencies = service(name).depends_on ?? {};
      assert.equal(dependencies['temporal-setup']?.condition, 'service_completed_successfully', `${name} starts once the namespace exists`);
      assert.equal(dependencies['relay-setup']?.condition, 'service_completed_successfully', `${name} starts once its secrets exist`);
    }
  });

  test('the receiver and worker get only variables the config schema knows, and with the set-up\'s files those load', () => {
    const secrets = mkdtempSync(join(tmpdir(), 'wp-ai-relay-compose-secrets-'));
    try {
      const files: Record<string, string> = {
        'webhook-secret': 'a-production-secret-0123456789',
        'payload-keys': TEST_PAYLOAD_KEYS,
        'wp-app-password': 'abcd efgh ijkl mnop qrst uvwx',
      };
      for (const [file, value] of Object.entries(files)) writeFileSync(join(secrets, file), value);
      for (const name of RELAY_SERVICES) {
        const values = env(service(name));
        assert.deepEqual(Object.keys(values).filter((k) => !CONFIG_VARIABLES.includes(k)), [], `${name} is given variables src/config/config.ts does not read`);
        const mount = service(name).volumes?.find((v) => v.source === 'relay-secrets');
        assert.ok(mount?.read_only, `${name} mounts the secrets volume read-only`);
        const local = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k.endsWith('_FILE') ? join(secrets, relative(mount.target, v)) : v]));
        const config = loadConfig(local);
        assert.equal(config.temporal.address, 'temporal:7233');
        assert.deepEqual(config.payloadEncryption.keys?.map((k) => k.keyId), [TEST_PAYLOAD_KEYS.split(':')[0]], `${name} reads the payload keys file`);
        if (name === 'receiver') assert.doesNotThrow(() => requireWebhookSecrets(config), 'the receiver reads the webhook secret file');
        if (name === 'worker') {
          assert.equal(config.wordpress.appPassword, files['wp-app-password'], 'the worker reads the Application Password file');
          assert.equal(config.wordpress.baseUrl, 'http://wordpress');
          assert.equal(config.worker.metricsAddress, '0.0.0.0:9464');
        }
      }
    } finally {
      rmSync(secrets, { recursive: true, force: true });
    }
  });

  test('WordPress, its set-up and the relay share one secrets volume, and the plugin is mounted from this repository', () => {
    const setupEnv = env(service('relay-setup'));
    const dir = setupEnv.RELAY_SECRETS_DIR;
    assert.ok(dir);
    for (const name of ['wordpress', 'relay-setup', ...RELAY_SERVICES]) {
      const mount = service(name).volumes?.find((v) => v.source === 'relay-secrets');
      assert.equal(mount?.target, dir, `${name} mounts relay-secrets at ${dir}`);
      assert.equal(mount.read_only ?? false, name === 'relay-setup' ? false : true, `only relay-setup writes ${dir}`);
    }
    for (const [variable, file] of [['WP_RELAY_SECRET_FILE', 'webhook-secret'], ['PAYLOAD_ENCRYPTION_KEYS_FILE', 'payload-keys']] as const) {
      assert.equal(env(service('receiver'))[variable], `${dir}/${file}`);
    }
    assert.equal(env(service('worker')).WP_APP_PASSWORD_FILE, `${dir}/wp-app-password`);
    assert.equal(env(service('worker')).PAYLOAD_ENCRYPTION_KEYS_FILE, `${dir}/payload-keys`);
    assert.equal(setupEnv.RELAY_ENDPOINT, `http://receiver:${env(service('receiver')).PORT}/webhooks/wp`, 'the plugin posts to the receiver on the compose network');
    assert.equal(setupEnv.WORDPRESS_ADMIN_USER, env(service('worker')).WP_USERNAME, 'the Application Password is the worker\'s user\'s');
    assert.equal(setupEnv.WORDPRESS_CONFIG_EXTRA, env(service('wordpress')).WORDPRESS_CONFIG_EXTRA, 'the set-up loads the site\'s own wp-config.php');
    assert.match(setupEnv.WORDPRESS_CONFIG_EXTRA!, /require '\/etc\/wp-ai-relay\/wp-config-relay\.php';/);

    for (const name of ['wordpress', 'relay-setup']) {
      const plugin = service(name).volumes?.find((v) => v.target.endsWith('/wp-content/plugins/wp-ai-relay'));
      assert.equal(plugin?.source, join(ROOT, 'wordpress-plugin/wp-ai-relay'), `${name} mounts the plugin`);
      assert.ok(existsSync(join(plugin.source, 'wp-ai-relay.php')));
      const scripts = service(name).volumes?.find((v) => v.target === '/etc/wp-ai-relay');
      assert.equal(scripts?.source, join(ROOT, 'deploy/compose'), `${name} mounts deploy/compose`);
    }
    assert.deepEqual(service('relay-setup').entrypoint, ['php', '/etc/wp-ai-relay/wordpress-setup.php']);
    assert.equal(service('relay-setup').image, service('wordpress').image, 'the set-up runs on the site\'s own PHP');
  });

  test('WP-Cron runs from a cron service on the internal address, not from a loopback to the published port', () => {
    const cron = service('wordpress-cron');
    assert.deepEqual(cron.entrypoint, ['/bin/sh', '/etc/wp-ai-relay/wordpress-cron.sh']);
    assert.equal(env(cron).WP_CRON_URL, 'http://wordpress/wp-cron.php');
    assert.match(readFileSync(join(ROOT, 'deploy/compose/wp-config-relay.php'), 'utf8'), /define\( 'DISABLE_WP_CRON', true \);/);
  });

  test('worker and receiver stop gracefully, and the worker has a healthcheck on its metrics port', () => {
    const worker = service('worker');
    const graceMs = loadConfig({ WORKER_SHUTDOWN_GRACE_MS: env(worker).WORKER_SHUTDOWN_GRACE_MS! }).worker.shutdownGraceMs;
    assert.ok(msToNumber(worker.stop_grace_period as '30s') > graceMs, `stop_grace_period ${worker.stop_grace_period} exceeds WORKER_SHUTDOWN_GRACE_MS`);
    assert.ok(msToNumber(service('receiver').stop_grace_period as '15s') > 0, 'the receiver has a stop_grace_period');
    const port = env(worker).WORKER_METRICS_ADDRESS!.split(':').at(-1);
    assert.match(worker.healthcheck!.test.join(' '), new RegExp(`http://127\\.0\\.0\\.1:${port}/metrics`));
    assert.match(service('receiver').healthcheck!.test.join(' '), new RegExp(`http://127\\.0\\.0\\.1:${env(service('receiver')).PORT}/readyz`));
  });

  test('retention and search attributes are the relay\'s own: TEMPORAL_RETENTION_DAYS and SEARCH_ATTRIBUTES', () => {
    const setup = env(service('temporal-setup'));
    assert.ok(CONFIG_VARIABLES.includes('TEMPORAL_RETENTION_DAYS'));
    assert.equal(Number(setup.TEMPORAL_RETENTION_DAYS), loadConfig({}).temporal.retentionDays, 'the same default as the dev server');
    assert.doesNotMatch(raw, /TEMPORAL_RETENTION\b(?!_DAYS)/, 'one name for retention');
    const declared = Object.fromEntries(setup.TEMPORAL_SEARCH_ATTRIBUTES!.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
    assert.deepEqual(declared, SEARCH_ATTRIBUTES);
  });

  test('the Web UI\'s CSRF cookie works over plain http because, and only while, it is published on localhost', () => {
    const ui = service('temporal-ui');
    assert.equal(env(ui).TEMPORAL_CSRF_COOKIE_INSECURE, 'true');
    assert.ok((ui.ports ?? []).length > 0);
    for (const p of ui.ports ?? []) assert.equal(p.host_ip, '127.0.0.1', `UI port ${p.published} is published on localhost only`);
  });

  test('the Dockerfile builds with the commands CI runs, and the built entry points exist', async () => {
    const runs = [...dockerfile.matchAll(/^RUN\s+(.+)$/gm)].map((m) => m[1]!);
    assert.ok(runs.some((r) => /^npm ci\b/.test(r)), 'the Dockerfile installs with npm ci');
    assert.ok(runs.some((r) => /\bnpm run build\b/.test(r)), 'the Dockerfile builds with npm run build');
    const ci = join(ROOT, '.ci/run');
    if (existsSync(ci)) assert.match(readFileSync(ci, 'utf8'), /\bnpm ci\b/, '.ci/run installs the same way');

    const build = await runCommand('npm', ['run', 'build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const started = [
      ...RELAY_SERVICES.map((name) => (service(name).command ?? []).join(' ')),
      /^CMD\s+\[(.*)\]$/m.exec(dockerfile)?.[1]?.replace(/"/g, '').replace(/,\s*/g, ' ') ?? '',
    ];
    for (const command of started) {
      const entry = /^node (dist\/\S+\.js)$/.exec(command)?.[1];
      assert.ok(entry, `"${command}" runs a compiled entry point with node`);
      assert.ok(existsSync(join(ROOT, entry)), `${entry} was built`);
    }
    const bin = packageJson.bin['wp-ai-relay'];
    assert.equal(bin, 'dist/src/cli.js');
    assert.ok(readFileSync(join(ROOT, bin), 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin keeps its shebang');
    const help = await runCommand(process.execPath, [join(ROOT, bin), 'help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /wp-ai-relay <command>/);
  });
});

describe('deploy/compose/temporal-setup.sh, run against a real Temporal with the temporal CLI', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  const namespace = `compose-setup-${process.pid}`;

  before(async () => {
    compose ??= await render();
    temporal = await startTestTemporal();
    connection = await Connection.connect({ address: temporal.address });
  });
  after(async () => {
    await connection?.close();
    await temporal?.stop();
  });

  const runSetup = (overrides: Record<string, string> = {}) =>
    runCommand('sh', [join(ROOT, 'deploy/compose/temporal-setup.sh')], {
      ...env(service('temporal-setup')),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      ...overrides,
    });

  test('creates the namespace with the retention and the search attributes, and can run again', async () => {
    for (const run of [1, 2]) {
      const out = await runSetup();
      assert.equal(out.code, 0, `run ${run}: ${out.stdout}${out.stderr}`);
    }
    const described = await connection.workflowService.describeNamespace({ namespace });
    const retentionSeconds = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    assert.equal(retentionSeconds, Number(env(service('temporal-setup')).TEMPORAL_RETENTION_DAYS) * 24 * 3600);

    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const types = { Keyword: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, Int: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT };
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      assert.equal(customAttributes?.[name], types[type], `${name} is a ${type}`);
    }
  });

  test('the worker\'s healthcheck fails without a worker and passes once a real worker polls', async () => {
    const [kind, program, flag, script] = service('worker').healthcheck!.test;
    assert.deepEqual([kind, program, flag], ['CMD', 'node', '-e']);
    const address = `127.0.0.1:${await freePort()}`;
    const probe = () => runCommand(process.execPath, ['-e', script!.replace('127.0.0.1:9464', address)]);
    assert.equal((await probe()).code, 1, 'unhealthy while nothing serves the metrics');
    const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporal.address, PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS, WORKER_METRICS_ADDRESS: address },
      stdio: 'ignore',
    });
    try {
      await eventually(async () => (assert.equal(worker.exitCode, null, 'the worker runs'), (await probe()).code === 0 ? true : undefined), 'a healthy worker');
    } finally {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      await exited;
    }
  });

  test('a real error (a search attribute registered with another type) fails the set-up at once, saying so', async () => {
    assert.equal((await runSetup()).code, 0);
    const out = await runSetup({ TEMPORAL_SEARCH_ATTRIBUTES: 'WpPostId=Keyword', TEMPORAL_SETUP_ATTEMPTS: '1000' });
    assert.notEqual(out.code, 0, 'the conflict is not hidden');
    assert.match(out.stderr, /WpPostId/);
  });
});

describe('deploy/compose/temporal-schema.sh, run against the harness\'s PostgreSQL with its sql tool', () => {
  let postgres: Postgres;
  let dir: string;
  before(async () => {
    compose ??= await render();
    dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-compose-schema-'));
    postgres = await startPostgres({ dir, port: await freePort() });
  });
  after(async () => {
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('brings both databases to the server version\'s schema, and runs again without error or change', async () => {
    const { sql } = await resolveServerBinaries(process.env.TEMPORAL_SERVER_BIN_DIR || undefined);
    const gomodcache = (await runCommand('go', ['env', 'GOMODCACHE'])).stdout.trim();
    // The files the admin-tools image carries in /etc/temporal/schema, as the server module ships them.
    const schemaDir = join(gomodcache, `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema/postgresql/v12');
    assert.equal(env(service('temporal-schema')).TEMPORAL_SCHEMA_DIR, '/etc/temporal/schema/postgresql/v12');
    const latest = (store: string) =>
      readdirSync(join(schemaDir, store, 'versioned'))
        .map((v) => v.replace(/^v/, ''))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .at(-1);
    for (const run of [1, 2]) {
      const out = await runCommand('sh', [join(ROOT, 'deploy/compose/temporal-schema.sh')], {
        ...env(service('temporal-schema')),
        SQL_HOST: '127.0.0.1',
        SQL_PORT: String(postgres.port),
        SQL_USER: postgres.user,
        SQL_PASSWORD: postgres.password,
        TEMPORAL_SCHEMA_DIR: schemaDir,
        TEMPORAL_SQL_TOOL: sql,
      });
      assert.equal(out.code, 0, `run ${run}: ${out.stdout}${out.stderr}`);
    }
    for (const [store, database] of Object.entries(DATABASES)) {
      const version = (await postgres.query('SELECT curr_version FROM schema_version', database)).trim();
      assert.equal(version, latest(store === 'default' ? 'temporal' : 'visibility'), `${database} is at the latest schema`);
    }
  });
});
